"""newsclf: news articles -> labelled datasets -> trained, evaluated, compared scikit-learn models.

The ``training`` package holds the data module (:mod:`training.data`), the model pipeline
(:mod:`training.pipeline`), evaluation (:mod:`training.evaluation`) and comparison
(:mod:`training.comparison`); :mod:`serving` serves the chosen models with BentoML.
"""

__version__ = "0.1.0"
