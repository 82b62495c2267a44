"""Featurizers: transformers that read the task input frame (see :mod:`training.tasks`).

Modules here register factories in :data:`training.pipeline.registry.featurizers`; they are
imported by :mod:`training.pipeline.components`.
"""
