"""Optional dense features: wordllama embeddings loaded from the installed wheel (offline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._marking import TGT, _MarkingMixin
from ._rules import _TOKEN


def _load_wordllama(dim: int):
    """Build wordllama's 256-d model from the files inside the installed wheel (no hub, no cache).

    ``WordLlama.load(disable_download=True)`` looks for the tokenizer in ``wordllama/tokenizer/``
    while the wheel ships it in ``wordllama/tokenizers/``, so the files are opened directly.
    """
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    pkg = Path(wordllama.__file__).parent
    weights = pkg / "weights" / "l2_supercat_256.safetensors"
    tok = pkg / "tokenizers" / "l2_supercat_tokenizer_config.json"
    if not weights.is_file() or not tok.is_file():
        from newsclf.errors import ConfigError

        raise ConfigError(f"wordllama at {pkg} lacks its bundled model files ({weights.name}, {tok.name})")
    with safe_open(str(weights), framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")[:, :dim]
    return WordLlamaInference(embedding, Tokenizer.from_file(str(tok)))


class StanceDense(_MarkingMixin, TransformerMixin, BaseEstimator):
    """Mean wordllama embeddings of the marked text and of the target window (2 x ``dim``).

    Needs the ``wordllama`` package (extra ``stance-dense``); its wheel ships the weights, which
    are loaded from the installed package only (never downloaded).

    Parameters
    ----------
    dim : int, default 256
        Matryoshka truncation of the 256-d model (64, 128 or 256).
    window : int, default 4
    scale : float, default 1.0
        Multiplies the embeddings (balances them against sparse TF-IDF blocks).
    actors, pronouns, implicit, frame : see :class:`StanceTfidf`
    """

    def __init__(self, dim=256, window=4, scale=1.0, actors=None, pronouns="other", implicit=True, frame=True):
        self.dim = dim
        self.window = window
        self.scale = scale
        self.actors = actors
        self.pronouns = pronouns
        self.implicit = implicit
        self.frame = frame

    @staticmethod
    def _load(dim: int):
        try:
            import wordllama  # noqa: F401
        except ImportError:
            from newsclf.errors import ConfigError

            raise ConfigError(
                "featurizer 'stance_dense' needs the wordllama package: pip install 'newsclf[stance-dense]' "
                "(or drop stance_dense from the config's features)"
            ) from None
        return _load_wordllama(int(dim))

    def fit(self, X, y=None):
        self._fit_actors()
        self._load(self.dim)  # fail early and clearly
        self.n_features_out_ = 2 * int(self.dim)
        return self

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_wl", None)
        return state

    def transform(self, X):
        check_is_fitted(self, "n_features_out_")
        if getattr(self, "_wl", None) is None:
            self._wl = self._load(self.dim)
        marked = self._marked(X)
        windows = []
        for m in marked:
            toks = _TOKEN.findall(m)
            idx = [i for i, t in enumerate(toks) if t == TGT]
            w = int(self.window)
            near = sorted({j for i in idx for j in range(max(0, i - w), min(len(toks), i + w + 1))})
            windows.append(" ".join(toks[j] for j in near if toks[j] != TGT) or "none")
        a = np.asarray(self._wl.embed(marked, norm=True), dtype=np.float64)
        b = np.asarray(self._wl.embed(windows, norm=True), dtype=np.float64)
        return sp.csr_matrix(np.hstack([a, b]) * float(self.scale))

    def get_feature_names_out(self, input_features=None):
        d = int(self.dim)
        return np.asarray([f"emb:text{i}" for i in range(d)] + [f"emb:win{i}" for i in range(d)], dtype=object)
