# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the client-layer tests (the fakes themselves are in ksyun_fakes.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

import pytest

from ansible_collections.ksyun.cloud.plugins.module_utils._client import Client
from ksyun_fakes import FakeClock, FakeSession, LoopbackServer


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_client(clock):
    def make(script=None, **kwargs):
        session = FakeSession(script)
        kwargs.setdefault("sleep", clock.sleep)
        kwargs.setdefault("clock", clock)
        client = Client("AKLTtest", "topsecret/KEY", "cn-beijing-6", session=session, **kwargs)
        return client, session
    return make


@pytest.fixture
def loopback():
    servers = []

    def start(behaviour):
        server = LoopbackServer(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def closed_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
