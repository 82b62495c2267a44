"""Serving newsclf models over HTTP with BentoML, and the analysis shared with the CLI.

Modules
-------
:mod:`serving.service`   the BentoML service (``bentoml serve serving.service:Newsclf``)
:mod:`serving.analysis`  ``analyze_article``: the one code path of ``/analyze`` and ``newsclf analyze``
:mod:`serving.promote`   ``promote(run_dir)``: a verified run into the BentoML model store
:mod:`serving.models`    loading runs and store entries (hashes checked before unpickling)
:mod:`serving.limits`    request limits and validated input shapes
:mod:`serving.http`      content-type / body-size guard, readable 4xx bodies, one-line logs
:mod:`serving.batching`  opportunistic micro-batching of concurrent requests
:mod:`serving.files`     ``newsclf analyze``: one JSON file per article

Nothing is imported here, so that ``import serving.promote`` does not start BentoML's service
machinery.
"""
