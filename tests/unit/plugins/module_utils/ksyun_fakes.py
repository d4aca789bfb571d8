# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes for the client tests: a scripted requests session, a fake clock, a loopback TCP server.

Imported by the tests of this folder (pytest puts the folder on sys.path)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError


class FakeResponse(object):
    def __init__(self, status, body):
        self.status_code = status
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        self.content = body.encode("utf-8") if isinstance(body, str) else body


def ok(**data):
    data.setdefault("RequestId", "req-ok")
    return FakeResponse(200, data)


def api_error(status, code, message="boom", request_id="req-err", etype="Sender"):
    return FakeResponse(status, {"RequestId": request_id, "Error": {"Type": etype, "Code": code, "Message": message}})


def refused():
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/?Action=X&Secret=1", reason=reason))


def reset():
    cause = ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer"))
    return requests.exceptions.ConnectionError(cause)


def read_timeout():
    return requests.exceptions.ReadTimeout("HTTPSConnectionPool(host='h', port=443): Read timed out. (read timeout=30)")


def connect_timeout():
    return requests.exceptions.ConnectTimeout("connect timed out")


class FakeSession(object):
    """Answers requests from a script: each item a FakeResponse, an exception, or a callable(request)."""

    def __init__(self, script=None):
        self.script = list(script or [])
        self.requests = []

    def request(self, method, url, data=None, headers=None, timeout=None, verify=None, allow_redirects=None):
        record = dict(method=method, url=url, data=data, headers=dict(headers or {}), timeout=timeout,
                      verify=verify, allow_redirects=allow_redirects)
        self.requests.append(record)
        if not self.script:
            raise AssertionError("unexpected request %s %s" % (method, url))
        item = self.script.pop(0)
        if callable(item) and not isinstance(item, FakeResponse):
            item = item(record)
        if isinstance(item, BaseException):
            raise item
        return item


class FakeClock(object):
    """A monotonic clock that only moves when the fake sleep is called (or by hand)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class MaxRng(object):
    """A 'random' source whose uniform(a, b) is always b: the back-off's upper bound."""

    def uniform(self, a, b):
        return b


class LoopbackServer(object):
    """A raw TCP server on 127.0.0.1 whose behaviour per connection is a function(conn, request_bytes)."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.received = []
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve)
        self._thread.daemon = True
        self._thread.start()

    @staticmethod
    def read_request(conn):
        data = b""
        conn.settimeout(5)
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _sep, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _c, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body

    def _serve(self):
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            worker = threading.Thread(target=self._handle, args=(conn,))
            worker.daemon = True
            worker.start()

    def _handle(self, conn):
        try:
            request = self.read_request(conn)
            self.received.append(request)
            self.behaviour(conn, request)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self):
        self._stop.set()
        self.sock.close()
        self._thread.join(2)


def json_reply(conn, status, data):
    body = json.dumps(data).encode()
    head = "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (
        status, len(body))
    conn.sendall(head.encode() + body)
