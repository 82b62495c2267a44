"""Featurizers: transformers that read the task input frame (see :mod:`newsclf.tasks`).

Modules here register factories in :data:`newsclf.pipeline.registry.featurizers`; they are
imported by :mod:`newsclf.pipeline.components`.
"""
