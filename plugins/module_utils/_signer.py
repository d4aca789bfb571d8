# -*- coding: utf-8 -*-
# Copyright: ksyun.cloud developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS4-HMAC-SHA256 request signing for the Kingsoft Cloud OpenAPI.

This is a private module of the ksyun.cloud collection; it may change without notice.

Pure functions: no I/O, no global state, the clock is a parameter (``now``). The algorithm is the
one of the "签名机制" section of the API documents, which is AWS Signature Version 4:

- canonical query: every name and value URI-encoded (only ``A-Za-z0-9-_.~`` left as they are, a
  space is ``%20``), the pairs sorted by (encoded name, encoded value), joined with ``=`` and ``&``;
- canonical headers: lower-case names, values trimmed with inner white space collapsed, sorted;
- payload hash: SHA-256 of the exact body bytes sent;
- signing key: HMAC chain over date, region, service and ``aws4_request``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import hmac

from urllib.parse import quote as _quote, unquote_to_bytes as _unquote_to_bytes

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_SAFE = "-_.~"  # plus A-Za-z0-9, which quote() never escapes
_UTC = datetime.timezone.utc


# ----------------------------------------------------------------------------------- encoding

def to_text(value):
    """The text form of a parameter value: booleans as true/false, numbers with str()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    return str(value)


def uri_encode(value):
    """URI-encode a name or value: UTF-8, every byte except A-Za-z0-9-_.~ as %XX (space = %20)."""
    return _quote(to_text(value).encode("utf-8"), safe=_SAFE)


def _pairs(query):
    """(name, value) text pairs of a dict, a sequence of pairs, a raw query string or None."""
    if query is None:
        return []
    if isinstance(query, (str, bytes)):
        return _parse_raw(to_text(query))
    if hasattr(query, "items"):
        query = query.items()
    return [(to_text(k), to_text(v)) for k, v in query]


def _parse_raw(raw):
    """Decode an already-encoded query string ('+' is a space) into text pairs, blanks kept."""
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        name, _sep, value = part.partition("=")
        pairs.append((_decode(name), _decode(value)))
    return pairs


def _decode(text):
    return _unquote_to_bytes(text.replace("+", " ")).decode("utf-8")


def encode_query(query):
    """The wire form of parameters (GET query string or form body), in the order given.

    Each name and value is encoded exactly as in the canonical query, so the string sent and the
    string signed can never disagree about an escape (spaces are %20, never '+').
    """
    return "&".join("%s=%s" % (uri_encode(k), uri_encode(v)) for k, v in _pairs(query))


def canonical_query(pairs):
    """The canonical query string: encoded pairs sorted by (encoded name, encoded value)."""
    encoded = sorted((uri_encode(k), uri_encode(v)) for k, v in _pairs(pairs))
    return "&".join("%s=%s" % kv for kv in encoded)


def canonical_uri(path):
    """The canonical URI of an absolute path ('/' when empty); '/' separators are kept."""
    if not path:
        return "/"
    return _quote(to_text(path).encode("utf-8"), safe="/" + _SAFE)


def _trimall(value):
    return " ".join(to_text(value).split())


def canonical_headers(headers):
    """(canonical header block with its trailing newline, signed header list) of a dict."""
    merged = {}
    for name, value in headers.items():
        merged.setdefault(name.strip().lower(), []).append(_trimall(value))
    names = sorted(merged)
    block = "".join("%s:%s\n" % (n, ",".join(merged[n])) for n in names)
    return block, ";".join(names)


def payload_hash(body):
    """Lower-case hex SHA-256 of the body bytes (str is encoded as UTF-8; None is empty)."""
    if body is None or body == b"" or body == "":
        return EMPTY_SHA256
    if not isinstance(body, bytes):
        body = to_text(body).encode("utf-8")
    return hashlib.sha256(body).hexdigest()


# ------------------------------------------------------------------------------------ signing

def amz_date(now=None):
    """The ISO 8601 basic timestamp (YYYYMMDD'T'HHMMSS'Z') of `now`.

    `now` is a datetime (naive = UTC), epoch seconds, or None for the current time.
    """
    if now is None:
        now = datetime.datetime.now(_UTC)
    elif isinstance(now, (int, float)):
        now = datetime.datetime.fromtimestamp(now, _UTC)
    if now.tzinfo is not None:
        now = now.astimezone(_UTC).replace(tzinfo=None)
    return now.strftime("%Y%m%dT%H%M%SZ")


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key, date, region, service):
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")."""
    k_date = _hmac(("AWS4" + to_text(secret_key)).encode("utf-8"), date)
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, TERMINATOR)


def credential_scope(date, region, service):
    return "/".join((date, region, service, TERMINATOR))


def canonical_request(method, path, query, headers, body_hash):
    """(canonical request text, signed header list)."""
    block, signed = canonical_headers(headers)
    text = "\n".join((method.upper(), canonical_uri(path), canonical_query(query), block, signed, body_hash))
    return text, signed


def string_to_sign(timestamp, scope, canonical_request_text):
    digest = hashlib.sha256(canonical_request_text.encode("utf-8")).hexdigest()
    return "\n".join((ALGORITHM, timestamp, scope, digest))


def signature(secret_key, timestamp, region, service, text_to_sign):
    key = signing_key(secret_key, timestamp[:8], region, service)
    return hmac.new(key, text_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_headers(method, host, path, query, body, access_key, secret_key, region, service, now=None,
                 headers=None, content_sha256=False):
    """The headers to add to a request for the Authorization-header form of the signature.

    `host` is the Host header value the HTTP client will send (with the port when it is not the
    scheme's default); `query` is a dict, a sequence of (name, value) pairs or a raw encoded query
    string; `body` the exact bytes sent (None for none); `headers` further headers to sign (for
    example Content-Type). Returns ``{"X-Amz-Date", "Authorization"}`` (plus
    ``X-Amz-Content-Sha256`` when `content_sha256`).
    """
    timestamp = amz_date(now)
    body_hash = payload_hash(body)
    to_sign = dict(headers or {})
    to_sign["Host"] = host
    to_sign["X-Amz-Date"] = timestamp
    added = {"X-Amz-Date": timestamp}
    if content_sha256:
        to_sign["X-Amz-Content-Sha256"] = body_hash
        added["X-Amz-Content-Sha256"] = body_hash
    to_sign = _dedupe(to_sign)
    text, signed = canonical_request(method, path, query, to_sign, body_hash)
    scope = credential_scope(timestamp[:8], region, service)
    sig = signature(secret_key, timestamp, region, service, string_to_sign(timestamp, scope, text))
    added["Authorization"] = "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, scope, signed, sig)
    return added


def presign_query(method, host, path, query, body, access_key, secret_key, region, service, now=None,
                  expires=None, headers=None):
    """The query parameters to add for the query-string form of the signature.

    Returns ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-SignedHeaders``
    (``X-Amz-Expires`` when `expires` is given) and ``X-Amz-Signature``. The canonical query covers
    the request's own parameters and these (all but the signature); the payload hash is the
    SHA-256 of `body` (normally empty for this form).
    """
    timestamp = amz_date(now)
    scope = credential_scope(timestamp[:8], region, service)
    to_sign = dict(headers or {})
    to_sign["Host"] = host
    to_sign = _dedupe(to_sign)
    _block, signed = canonical_headers(to_sign)
    auth = [("X-Amz-Algorithm", ALGORITHM), ("X-Amz-Credential", "%s/%s" % (access_key, scope)),
            ("X-Amz-Date", timestamp)]
    if expires is not None:
        auth.append(("X-Amz-Expires", to_text(int(expires))))
    auth.append(("X-Amz-SignedHeaders", signed))
    text, _signed = canonical_request(method, path, _pairs(query) + auth, to_sign, payload_hash(body))
    sig = signature(secret_key, timestamp, region, service, string_to_sign(timestamp, scope, text))
    result = dict(auth)
    result["X-Amz-Signature"] = sig
    return result


def _dedupe(headers):
    """Case-insensitively unique header names (the last value given wins)."""
    out = {}
    for name, value in headers.items():
        for existing in list(out):
            if existing.lower() == name.lower():
                del out[existing]
        out[name] = value
    return out
