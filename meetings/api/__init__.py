"""The JSON API under ``/api/``: the lists' own FilterSets and the pages' own checks and
history, through Django REST framework; described by drf-spectacular at ``/api/schema/``."""
