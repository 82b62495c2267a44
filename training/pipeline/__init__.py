"""Training: experiment configs, featurizers and estimators by registry name, search, runs.

Entry points: :func:`newsclf.pipeline.train.train`, :func:`newsclf.pipeline.runs.load_run`,
:func:`newsclf.pipeline.predict.predict_records`, :func:`newsclf.pipeline.evaluate.evaluate_run`.
"""
