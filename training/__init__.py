"""newsclf: news articles -> labelled datasets -> trained, evaluated, compared scikit-learn models.

The ``training`` package holds the data module (:mod:`newsclf.data`), the model pipeline
(:mod:`newsclf.pipeline`), evaluation (:mod:`newsclf.evaluation`) and comparison
(:mod:`newsclf.comparison`); :mod:`newsclf.serving` serves the chosen models with BentoML.
"""

__version__ = "0.2.0"
