"""Training: experiment configs, featurizers and estimators by registry name, search, runs.

Entry points: :func:`training.pipeline.train.train`, :func:`training.pipeline.runs.load_run`,
:func:`training.pipeline.predict.predict_records`, :func:`training.pipeline.evaluate.evaluate_run`.
"""
