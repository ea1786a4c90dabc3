"""Linear classifiers in numpy: L2-regularised logistic regression and the L2 (squared
hinge) linear SVM, solved by Newton's method. With fewer rows than features the Newton
step uses the Woodbury identity, so a 20,000-term tf-idf SVM on 500 papers solves a
500 x 500 system, not a 20,000 x 20,000 one."""

from __future__ import annotations

import numpy as np

LOSSES = ("logistic", "squared_hinge")


def fit_linear(X: np.ndarray, y: np.ndarray, *, sample_weight: np.ndarray | None = None,
               C: float = 1.0, loss: str = "logistic", iterations: int = 25,
               tolerance: float = 1e-6) -> tuple[np.ndarray, float]:
    """(weights, bias) minimising 0.5|w|^2 + C * sum_i s_i * loss(y_i (w.x_i + b)), with y in
    {-1, +1}. The bias is an unregularised-ish extra feature (a constant column)."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    X = np.asarray(X, dtype=np.float32)  # products in float32; small solves in float64
    y = np.where(np.asarray(y) > 0, 1.0, -1.0)
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    A = np.hstack([X, np.ones((n, 1), dtype=np.float32)])  # the bias as a feature
    w = np.zeros(A.shape[1])
    gram = (A @ A.T).astype(np.float64) if A.shape[1] > n else None  # once: each Woodbury step reuses it
    for _ in range(iterations):
        margin = y * (A @ w.astype(np.float32))
        if loss == "logistic":
            p = 1.0 / (1.0 + np.exp(np.clip(margin, -35, 35)))  # sigma(-margin)
            gradient = w - C * (A.T @ (s * y * p).astype(np.float32))
            curvature = C * s * p * (1.0 - p)
        else:
            active = margin < 1.0
            gradient = w - 2.0 * C * (A.T @ (s * active * y * (1.0 - margin)).astype(np.float32))
            curvature = 2.0 * C * s * active
        if np.linalg.norm(gradient) <= tolerance * max(1.0, np.linalg.norm(w)):
            break
        step = _newton_step(A, curvature, gradient, gram)
        w = w - step
    return w[:-1].astype(np.float32), float(w[-1])


def _newton_step(A: np.ndarray, curvature: np.ndarray, gradient: np.ndarray,
                 gram: np.ndarray | None) -> np.ndarray:
    """Solve (I + A^T D A) x = g."""
    if gram is None:
        d = A.shape[1]
        hessian = np.eye(d) + (A.T @ (curvature[:, None].astype(np.float32) * A))
        return np.linalg.solve(hessian, gradient)
    # Woodbury: (I + A^T D A)^-1 = I - A^T (D^-1 + A A^T)^-1 A, restricted to rows with D > 0
    rows = curvature > 1e-12
    if not rows.any():
        return gradient
    B = A[rows]
    inner = np.diag(1.0 / curvature[rows]) + gram[np.ix_(rows, rows)]
    solved = np.linalg.solve(inner, B @ gradient.astype(np.float32))
    return gradient - B.T @ solved.astype(np.float32)
