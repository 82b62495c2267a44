"""Serving newsclf models over HTTP with BentoML: only what is about serving.

Modules
-------
:mod:`newsclf.serving.service`         the BentoML service (``bentoml serve newsclf.serving.service:Newsclf``)
:mod:`newsclf.serving.promote`         ``promote(run_dir)``: a verified run into the BentoML model store
:mod:`newsclf.serving.models`          loading runs and store entries (hashes and model types checked)
:mod:`newsclf.serving.limits`          request limits and validated input shapes
:mod:`newsclf.serving.http`            content-type / body-size guard, readable 4xx bodies, one-line logs
:mod:`newsclf.serving.batching`        opportunistic micro-batching of concurrent requests
:mod:`newsclf.serving.bento_internals` every private BentoML API, behind one switch
:mod:`newsclf.serving.build`           ``build_bento()``: a Bento carrying the newsclf wheel and the models

The analysis of an article (``/analyze``, ``newsclf analyze``) is domain code:
:mod:`newsclf.analysis`. Nothing is imported here, so that ``import newsclf.serving.promote`` does
not start BentoML's service machinery.
"""
