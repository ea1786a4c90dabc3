"""all-MiniLM-L6-v2 on ONNX Runtime with int8 weights: the fast CPU runtime.

The ONNX file is made once from the packaged weights (torch export, then ONNX Runtime's
dynamic int8 quantisation) and kept in the cache folder; a missing or unreadable file is
made again. Batches are sorted by length so that little padding is computed.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from .model import MAX_TOKENS, model_dir

log = logging.getLogger("paperwire.embed")
ONNX_RECIPE = "int8pc-v1"  # part of the model key: a new recipe means new vectors
ONNX_FILE = f"all-MiniLM-L6-v2-{ONNX_RECIPE}.onnx"


def export_int8_in_child(target: Path) -> None:
    """Export in a fresh interpreter: the torch exporter crashes in a process that has
    loaded usearch first (seen with torch 2.13 and usearch 2.26), and it costs a lot of
    memory that the server should not keep."""
    result = subprocess.run([sys.executable, "-m", "paperwire.embed.onnx_runtime", str(target)],
                            capture_output=True, text=True)
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"could not make the ONNX embedding model: {result.stderr[-2000:]}")


def export_int8(target: Path) -> None:
    """Write the int8 ONNX model to `target` (atomically)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class Encoder(torch.nn.Module):  # keyword arguments only: positions vary by version
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(model_dir()))

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN202
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    model = Encoder().eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    quiet = logging.getLogger()  # the exporter and quantiser chatter on the root logger
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp32 = Path(scratch) / "fp32.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        with torch.no_grad():
            torch.onnx.export(
                model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in
                              ("input_ids", "attention_mask", "token_type_ids",
                               "last_hidden_state")})
        # Fused attention / LayerNorm / GELU first, then int8 weights for the MatMuls only,
        # per channel and in the reduced range: plain int8 drifted (cosine 0.94 to fp32),
        # this keeps 0.99.
        from onnxruntime.transformers.optimizer import optimize_model
        fused = Path(scratch) / "fused.onnx"
        optimize_model(str(fp32), model_type="bert", num_heads=12,
                       hidden_size=384).save_model_to_file(str(fused))
        quantised = Path(scratch) / "int8.onnx"
        quantize_dynamic(str(fused), str(quantised), weight_type=QuantType.QInt8,
                         per_channel=True, reduce_range=True, op_types_to_quantize=["MatMul"],
                         extra_options={"DefaultTensorType": 1})  # 1: float
        os.replace(quantised, target)
    quiet.setLevel(level)


class OnnxEncoder:
    def __init__(self, cache_dir: Path | None, max_tokens: int = MAX_TOKENS,
                 threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        cache_dir = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "paperwire"
        path = cache_dir / "models" / ONNX_FILE
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        # Idle worker threads would spin for a while after each run, taking the cores the
        # rest of a search (SQLite, the vector index) needs next.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = None
        if path.exists():
            try:
                self.session = onnxruntime.InferenceSession(
                    str(path), options, providers=["CPUExecutionProvider"])
            except Exception as exc:  # noqa: BLE001 - a damaged cache file is remade
                log.warning("embedding model cache %s unreadable (%s): making it again",
                            path, exc)
        if self.session is None:
            log.info("making the int8 ONNX embedding model in %s (once)", path)
            export_int8_in_child(path)
            self.session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, index in enumerate(chunk):
                tokens = encodings[index].ids
                ids[row, :len(tokens)] = tokens
                mask[row, :len(tokens)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[chunk] = pooled / np.maximum(norms, 1e-12)
        return out


if __name__ == "__main__":
    export_int8(Path(sys.argv[1]))
