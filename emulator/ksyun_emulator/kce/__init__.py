"""KCE — container clusters and nodes (service `kce`, API version 2019-08-06), 13 actions.

`models.py` (store kinds, lifecycles, the settling run before every KCE handler), `handlers.py` (one
function per `@action`), `views.py` (the answer shapes), `DECISIONS.md` (the choices the document left
open).  Importing the package registers the handlers and the settling with `core`.
"""
from . import handlers  # noqa: F401  (registers the @action handlers)
from .models import SERVICE, VERSION, seed_cluster_objects  # noqa: F401
