"""arXiv subject names (as OAI-PMH oai_dc writes them) to category codes."""

from __future__ import annotations

_ARCHIVES = {
    "Computer Science": ("cs", {
        "AI": "Artificial Intelligence", "AR": "Hardware Architecture",
        "CC": "Computational Complexity",
        "CE": "Computational Engineering, Finance, and Science",
        "CG": "Computational Geometry", "CL": "Computation and Language",
        "CR": "Cryptography and Security", "CV": "Computer Vision and Pattern Recognition",
        "CY": "Computers and Society", "DB": "Databases",
        "DC": "Distributed, Parallel, and Cluster Computing", "DL": "Digital Libraries",
        "DM": "Discrete Mathematics", "DS": "Data Structures and Algorithms",
        "ET": "Emerging Technologies", "FL": "Formal Languages and Automata Theory",
        "GL": "General Literature", "GR": "Graphics", "GT": "Computer Science and Game Theory",
        "HC": "Human-Computer Interaction", "IR": "Information Retrieval",
        "IT": "Information Theory", "LG": "Machine Learning", "LO": "Logic in Computer Science",
        "MA": "Multiagent Systems", "MM": "Multimedia", "MS": "Mathematical Software",
        "NA": "Numerical Analysis", "NE": "Neural and Evolutionary Computing",
        "NI": "Networking and Internet Architecture", "OH": "Other Computer Science",
        "OS": "Operating Systems", "PF": "Performance", "PL": "Programming Languages",
        "RO": "Robotics", "SC": "Symbolic Computation", "SD": "Sound",
        "SE": "Software Engineering", "SI": "Social and Information Networks",
        "SY": "Systems and Control"}),
    "Statistics": ("stat", {
        "AP": "Applications", "CO": "Computation", "ME": "Methodology",
        "ML": "Machine Learning", "OT": "Other Statistics", "TH": "Statistics Theory"}),
    "Electrical Engineering and Systems Science": ("eess", {
        "AS": "Audio and Speech Processing", "IV": "Image and Video Processing",
        "SP": "Signal Processing", "SY": "Systems and Control"}),
    "Mathematics": ("math", {
        "AC": "Commutative Algebra", "AG": "Algebraic Geometry", "AP": "Analysis of PDEs",
        "AT": "Algebraic Topology", "CA": "Classical Analysis and ODEs", "CO": "Combinatorics",
        "CT": "Category Theory", "CV": "Complex Variables", "DG": "Differential Geometry",
        "DS": "Dynamical Systems", "FA": "Functional Analysis", "GM": "General Mathematics",
        "GN": "General Topology", "GR": "Group Theory", "GT": "Geometric Topology",
        "HO": "History and Overview", "IT": "Information Theory",
        "KT": "K-Theory and Homology", "LO": "Logic", "MG": "Metric Geometry",
        "MP": "Mathematical Physics", "NA": "Numerical Analysis", "NT": "Number Theory",
        "OA": "Operator Algebras", "OC": "Optimization and Control", "PR": "Probability",
        "QA": "Quantum Algebra", "RA": "Rings and Algebras", "RT": "Representation Theory",
        "SG": "Symplectic Geometry", "SP": "Spectral Theory", "ST": "Statistics Theory"}),
    "Quantitative Biology": ("q-bio", {
        "BM": "Biomolecules", "CB": "Cell Behavior", "GN": "Genomics",
        "MN": "Molecular Networks", "NC": "Neurons and Cognition",
        "OT": "Other Quantitative Biology", "PE": "Populations and Evolution",
        "QM": "Quantitative Methods", "SC": "Subcellular Processes", "TO": "Tissues and Organs"}),
    "Economics": ("econ", {
        "EM": "Econometrics", "GN": "General Economics", "TH": "Theoretical Economics"}),
    "Quantitative Finance": ("q-fin", {
        "CP": "Computational Finance", "EC": "Economics", "GN": "General Finance",
        "MF": "Mathematical Finance", "PM": "Portfolio Management",
        "PR": "Pricing of Securities", "RM": "Risk Management", "ST": "Statistical Finance",
        "TR": "Trading and Market Microstructure"}),
    "Astrophysics": ("astro-ph", {
        "CO": "Cosmology and Nongalactic Astrophysics", "EP": "Earth and Planetary Astrophysics",
        "GA": "Astrophysics of Galaxies", "HE": "High Energy Astrophysical Phenomena",
        "IM": "Instrumentation and Methods for Astrophysics",
        "SR": "Solar and Stellar Astrophysics"}),
    "Condensed Matter": ("cond-mat", {
        "dis-nn": "Disordered Systems and Neural Networks", "mes-hall":
        "Mesoscale and Nanoscale Physics", "mtrl-sci": "Materials Science",
        "other": "Other Condensed Matter", "quant-gas": "Quantum Gases",
        "soft": "Soft Condensed Matter", "stat-mech": "Statistical Mechanics",
        "str-el": "Strongly Correlated Electrons", "supr-con": "Superconductivity"}),
    "Physics": ("physics", {
        "acc-ph": "Accelerator Physics", "ao-ph": "Atmospheric and Oceanic Physics",
        "app-ph": "Applied Physics", "atm-clus": "Atomic and Molecular Clusters",
        "atom-ph": "Atomic Physics", "bio-ph": "Biological Physics",
        "chem-ph": "Chemical Physics", "class-ph": "Classical Physics",
        "comp-ph": "Computational Physics",
        "data-an": "Data Analysis, Statistics and Probability", "ed-ph": "Physics Education",
        "flu-dyn": "Fluid Dynamics", "gen-ph": "General Physics", "geo-ph": "Geophysics",
        "hist-ph": "History and Philosophy of Physics", "ins-det": "Instrumentation and Detectors",
        "med-ph": "Medical Physics", "optics": "Optics", "plasm-ph": "Plasma Physics",
        "pop-ph": "Popular Physics", "soc-ph": "Physics and Society", "space-ph": "Space Physics"}),
    "Nonlinear Sciences": ("nlin", {
        "AO": "Adaptation and Self-Organizing Systems", "CD": "Chaotic Dynamics",
        "CG": "Cellular Automata and Lattice Gases", "PS": "Pattern Formation and Solitons",
        "SI": "Exactly Solvable and Integrable Systems"}),
}
_SINGLE = {
    "Quantum Physics": "quant-ph", "High Energy Physics - Theory": "hep-th",
    "High Energy Physics - Phenomenology": "hep-ph", "High Energy Physics - Experiment": "hep-ex",
    "High Energy Physics - Lattice": "hep-lat", "Mathematical Physics": "math-ph",
    "General Relativity and Quantum Cosmology": "gr-qc", "Nuclear Theory": "nucl-th",
    "Nuclear Experiment": "nucl-ex",
}

CODES: dict[str, str] = dict(_SINGLE)
for _archive_name, (_archive, _subjects) in _ARCHIVES.items():
    for _code, _name in _subjects.items():
        CODES[f"{_archive_name} - {_name}"] = f"{_archive}.{_code}"


def category_code(subject: str) -> str | None:
    """'Computer Science - Machine Learning' -> 'cs.LG'; None for an unknown name."""
    return CODES.get(" ".join(subject.split()))
