# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One API of the Kingsoft Cloud OpenAPI (a service host and an API version) as the action files use it.

This is a private module of the ksyun.cloud collection; it may change without notice.

``_kce/api.py``, ``_kcr/api.py`` and ``_kci/api.py`` each hold one ``Service`` and write every action
as one line over it: ``read`` (one answer), ``pages`` (every item of every page), ``page`` (one page,
for a caller that reads the pages itself) and ``write`` (a POST, marked ``DryRun`` on request).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class Service:
    """The service name (the host's first label and the signing scope) and the API version of its actions."""

    def __init__(self, name, version):
        self.name = name
        self.version = version

    def __repr__(self):
        return f"Service({self.name!r}, {self.version!r})"

    def read(self, client, action, params=None):
        return client.call(self.name, self.version, action, params)

    def write(self, client, action, params, dry_run=False):
        if dry_run:
            params["DryRun"] = True
        return client.call(self.name, self.version, action, params, write=True)

    def pages(self, client, action, params, result_key):
        return client.paginate(self.name, self.version, action, params, result_key)

    def page(self, client, action, params=None, marker=0):
        return client.page(self.name, self.version, action, params, marker)
