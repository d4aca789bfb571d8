# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Comparing what a task asks for with what a read returns: flat and nested options.

This is a private module of the ksyun.cloud collection; it may change without notice.

`wanted` values are what the task sets (the options it did not set left out, `pruned()`); `have`
values are a view of the API object, reduced to the shape of `wanted` (`project()`) so that what
the API fills in and the task did not ask for is not a difference. `differences()` compares
options, `leaves()` names each differing nested value by its path (``containers[0].image``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.dict_transformations import recursive_diff


def differences(have, want):
    """{option: (have, want)} for every option of `want` whose value differs in `have`."""
    return {k: (have.get(k), v) for k, v in want.items() if have.get(k) != v}


def pruned(value):
    """`value` without None values in dicts (the suboptions the task did not set), recursively."""
    if isinstance(value, dict):
        return {k: pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [pruned(v) for v in value]
    return value


def project(have, want):
    """`have` reduced to the keys `want` sets, recursively (lists element by element)."""
    if isinstance(want, dict) and isinstance(have, dict):
        return {k: project(have.get(k), v) for k, v in want.items()}
    if isinstance(want, list) and isinstance(have, list):
        return [project(h, want[i]) if i < len(want) else h for i, h in enumerate(have)]
    return have


def leaves(have, want, path):
    """[(path, have, want)] of each differing value, into dicts and same-length lists of dicts."""
    if isinstance(want, dict) and isinstance(have, dict):
        left, right = recursive_diff(have, want) or ({}, {})
        return [leaf for key in sorted(want) if key in left or key in right
                for leaf in leaves(have.get(key), want[key], f"{path}.{key}")]
    if (isinstance(want, list) and isinstance(have, list) and len(want) == len(have)
            and all(isinstance(w, dict) for w in want)):
        return [leaf for i, (h, w) in enumerate(zip(have, want)) for leaf in leaves(h, w, f"{path}[{i}]")]
    return [] if have == want else [(path, have, want)]
