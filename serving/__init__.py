"""Serving newsclf models over HTTP with BentoML, and the analysis shared with the CLI.

Modules
-------
:mod:`newsclf.serving.service`   the BentoML service (``bentoml serve newsclf.serving.service:Newsclf``)
:mod:`newsclf.serving.analysis`  ``analyze_article``: the one code path of ``/analyze`` and ``newsclf analyze``
:mod:`newsclf.serving.promote`   ``promote(run_dir)``: a verified run into the BentoML model store
:mod:`newsclf.serving.models`    loading runs and store entries (hashes checked before unpickling)
:mod:`newsclf.serving.limits`    request limits and validated input shapes
:mod:`newsclf.serving.http`      content-type / body-size guard, readable 4xx bodies, one-line logs
:mod:`newsclf.serving.batching`  opportunistic micro-batching of concurrent requests
:mod:`newsclf.serving.files`     ``newsclf analyze``: one JSON file per article

Nothing is imported here, so that ``import newsclf.serving.promote`` does not start BentoML's service
machinery.
"""
