# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The option rules the KCR modules share: a full repository name.

This is a private module of the ksyun.cloud collection; it may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def check_repo_name(option, value):
    """A message when `value` (of `option`) is not a full repository name ``namespace/repository``, or None.

    The documents define a repository name only as its namespace, a ``/`` and the repository."""
    namespace, _sep, path = value.partition("/")
    if not namespace.strip() or not path.strip():
        return "%s must be a full repository name namespace/repository, got %r" % (option, value)
    return None
