"""KCI — container instances (service `kci`, API version 2020-07-02), 7 actions.

`models.py` (store kinds, lifecycles), `handlers.py` (one function per `@action`, the document's rules),
`views.py` (the answer shapes), `DECISIONS.md` (the choices the documents left open).  Importing the
package registers the handlers with `core`.
"""
from . import handlers  # noqa: F401  (registers the @action handlers)
from .models import SERVICE, VERSION  # noqa: F401
