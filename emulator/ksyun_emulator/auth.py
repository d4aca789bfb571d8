"""AWS4-HMAC-SHA256 verification (Authorization header form and query-string form), written from the
signature section of the documents.  Every failure is the documented `ApiError` (公共错误 table).

    verify(method, raw_path, raw_query, headers, body, secret_for, now=None)
        -> Credential(access_key, region, service)

`headers` is a list of (name, value) pairs as received; `secret_for(access_key)` returns the secret
or None; `now` is the real wall clock (epoch seconds).
"""
import calendar
import hashlib
import hmac
import posixpath
import re
import time
from collections import namedtuple
from email.utils import parsedate_tz, mktime_tz
from urllib.parse import quote, unquote_to_bytes

from .core import ApiError

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
REGIONS = ("cn-beijing-6", "cn-shanghai-2", "eu-east-1")
SERVICES = ("kce", "kci")
MAX_SKEW = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
#: query parameters that carry the signature (never action parameters)
QUERY_AUTH_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature",
                     "X-Amz-Expires", "X-Amz-Security-Token")
_REQUIRED_QUERY = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Signature")

Credential = namedtuple("Credential", "access_key region service")

_BASIC_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_SAFE = "-_.~"  # plus A-Za-z0-9, which quote() never escapes


# ------------------------------------------------------------------------------------- errors

def _e(status, code, message):
    return ApiError(status, code, message)


def missing_token():
    return _e(403, "MissingAuthenticationToken", "Request is missing Authentication Token.")


def missing_host():
    return _e(403, "MissingAuthenticationToken", "Request is missing 'Host' header.")


def mismatch():
    return _e(403, "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided.")


def incomplete(message):
    return _e(400, "IncompleteSignature", message)


# ---------------------------------------------------------------------------------- decoding

class MalformedQuery(ValueError):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def _decode(text):
    """Form/query decoding: '+' is a space, %XX are UTF-8 bytes (invalid UTF-8 is refused)."""
    if "+" in text:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    return unquote_to_bytes(text).decode("utf-8")


def parse_pairs(raw):
    """[(name, value)] of a query string or form body (str), decoded, in order; blanks kept."""
    pairs = []
    if not raw:
        return pairs
    for part in raw.split("&"):
        if not part:
            continue
        name, _sep, value = part.partition("=")
        try:
            pairs.append((_decode(name), _decode(value)))
        except UnicodeDecodeError:
            try:
                shown = _decode(name)
            except UnicodeDecodeError:
                shown = name
            raise MalformedQuery(shown)
    return pairs


def _enc(text):
    return quote(text, safe=_SAFE)


def canonical_query(pairs, skip_signature=False):
    items = sorted((_enc(k), _enc(v)) for k, v in pairs if not (skip_signature and k == "X-Amz-Signature"))
    return "&".join("%s=%s" % kv for kv in items)


def canonical_uri(raw_path):
    path = unquote_to_bytes(raw_path or "/").decode("utf-8", "replace")
    if not path.startswith("/"):
        path = "/" + path
    norm = posixpath.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    if path.endswith("/") and norm != "/":
        norm += "/"
    return quote(norm, safe="/~")


def _trimall(value):
    return " ".join(value.split())


# ---------------------------------------------------------------------------------- signing keys

_KEYS = {}
_KEYS_MAX = 512


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    """kSigning for (secret, YYYYMMDD, region, service); cached (a small bounded dict)."""
    ck = (secret, date, region, service)
    key = _KEYS.get(ck)
    if key is None:
        key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode("utf-8"), date), region), service), TERMINATOR)
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        _KEYS[ck] = key
    return key


def string_to_sign(amz_date, scope, canonical_request):
    return "\n".join((ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()))


# ---------------------------------------------------------------------------------- parsing

def _parse_authorization(value):
    """{'Credential': ..., 'SignedHeaders': ..., 'Signature': ...} from an Authorization header."""
    algorithm, sep, rest = value.strip().partition(" ")
    if not sep and "=" in algorithm:
        raise incomplete("Authorization header format error.")
    if algorithm != ALGORITHM:
        if "=" in algorithm or "," in algorithm:
            raise incomplete("Authorization header format error.")
        raise incomplete("Unsupported ksc 'algorithm': %s." % algorithm)
    fields = {}
    for part in rest.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, val = part.partition("=")
        name = name.strip()
        val = val.strip()
        if not sep or not name or name in fields or len(val.split()) > 1:
            raise incomplete("Authorization header format error.")
        fields[name] = val
    for required in ("Credential", "Signature", "SignedHeaders"):
        if not fields.get(required):
            raise incomplete("Authorization header requires '%s' parameter. Authorization=%s" % (required, value)
                             + ("." if required == "Credential" else ""))
    return fields


def _basic_date(text):
    """Epoch seconds of a YYYYMMDD'T'HHMMSS'Z' date, or None."""
    m = _BASIC_DATE.match(text or "")
    if not m:
        return None
    try:
        y, mo, d, h, mi, s = (int(g) for g in m.groups())
        return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) if _valid(y, mo, d, h, mi, s) else None
    except (ValueError, OverflowError):
        return None


def _valid(y, mo, d, h, mi, s):
    if not (1 <= mo <= 12 and 0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 60):
        return False
    return 1 <= d <= calendar.monthrange(y, mo)[1]


def _fmt(ts):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ts))


def _bad_date(text):
    return incomplete("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601 ."
                      % text)


# ---------------------------------------------------------------------------------- verify

def verify(method, raw_path, raw_query, headers, body, secret_for, now=None, query_pairs=None):
    """Check the signature of one request; returns Credential or raises ApiError."""
    hdrs = {}
    for name, value in headers:
        low = name.lower()
        if low in hdrs:
            hdrs[low] = hdrs[low] + "," + _trimall(value)
        else:
            hdrs[low] = _trimall(value)

    if query_pairs is None:
        try:
            query_pairs = parse_pairs(raw_query)
        except MalformedQuery as exc:
            raise _e(400, "InvalidQueryParameter",
                     "The query parameter %s is malformed or does not adhere to KSC standards." % exc.name)
    qdict = {}
    for k, v in query_pairs:
        if k in _REQUIRED_QUERY:
            qdict[k] = v
    auth_header = hdrs.get("authorization")

    if not auth_header and not qdict:
        raise missing_token()
    if "host" not in hdrs or not hdrs["host"]:
        raise missing_host()

    if auth_header:
        fields = _parse_authorization(auth_header)
        credential, signed_headers, signature = fields["Credential"], fields["SignedHeaders"], fields["Signature"]
        amz_date = hdrs.get("x-amz-date")
        if amz_date is None:
            date_header = hdrs.get("date")
            if date_header is None:
                raise incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                                 "header, Authorization=%s" % auth_header)
            parsed = parsedate_tz(date_header)
            if parsed is None:
                raise _bad_date(date_header)
            ts = mktime_tz(parsed)
            amz_date = _fmt(ts)
        else:
            ts = _basic_date(amz_date)
            if ts is None:
                raise _bad_date(amz_date)
        skip_signature = False
    else:
        for required in _REQUIRED_QUERY:
            if not qdict.get(required):
                raise incomplete("KSC query-string parameters must include %s. Re-examine the query-string "
                                 "parameters." % required)
        if qdict["X-Amz-Algorithm"] != ALGORITHM:
            raise incomplete("Unsupported ksc 'algorithm': %s." % qdict["X-Amz-Algorithm"])
        credential = qdict["X-Amz-Credential"]
        signed_headers = qdict["X-Amz-SignedHeaders"]
        signature = qdict["X-Amz-Signature"]
        amz_date = qdict["X-Amz-Date"]
        ts = _basic_date(amz_date)
        if ts is None:
            raise _bad_date(amz_date)
        skip_signature = True

    parts = credential.split("/")
    if len(parts) != 5:
        raise incomplete("Credential must have exactly 5 slash-delimited elements, e.g. "
                         "accesskeyid/date/region/service/aws4_request, got: %s." % credential)
    access_key, cred_date, region, service, terminator = parts
    if terminator != TERMINATOR:
        raise _e(403, "SignatureDoesNotMatch",
                 "Credential should be scoped with a valid terminator: 'aws4_request', not: %s." % terminator)
    if region not in REGIONS:
        raise _e(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not:%s." % region)
    host = hdrs["host"]
    host_service = host.split(".", 1)[0].lower() if "." in host else None
    if host_service not in SERVICES:
        host_service = None
    if service not in SERVICES or (host_service is not None and service != host_service):
        expected = host_service or "kce' or 'kci"
        raise _e(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '%s'." % expected)
    signed = [h.strip().lower() for h in signed_headers.split(";")]
    if "host" not in signed:
        raise _e(403, "SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the Authorization.")
    if cred_date != amz_date[:8]:
        raise _e(403, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                                               "version of date from HTTP.")
    secret = secret_for(access_key)
    if secret is None:
        raise _e(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    if now is None:
        now = time.time()
    if ts < now - MAX_SKEW:
        raise _e(403, "SignatureDoesNotMatch", "Signature expired: %s is now earlier than %s (%s - 15 min.)."
                 % (amz_date, _fmt(now - MAX_SKEW), _fmt(now)))
    if ts > now + MAX_SKEW:
        raise _e(403, "SignatureDoesNotMatch", "Signature expired: %s is now later than %s (%s + 15 min.)."
                 % (amz_date, _fmt(now + MAX_SKEW), _fmt(now)))

    body_hash = hashlib.sha256(body or b"").hexdigest() if body else EMPTY_SHA256
    sent_hash = hdrs.get("x-amz-content-sha256")
    if sent_hash is not None and sent_hash != body_hash:
        raise mismatch()  # the body is not the one that was signed
    canonical_headers = "".join("%s:%s\n" % (h, hdrs.get(h, "")) for h in signed)
    canonical_request = "\n".join((
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(query_pairs, skip_signature=skip_signature),
        canonical_headers,
        ";".join(signed),
        body_hash,
    ))
    scope = "/".join((cred_date, region, service, TERMINATOR))
    key = signing_key(secret, cred_date, region, service)
    expected = hmac.new(key, string_to_sign(amz_date, scope, canonical_request).encode("utf-8"),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        raise mismatch()
    return Credential(access_key, region, service)


def sign_headers(method, url_host, raw_path, raw_query, body, access_key, secret, region, service, now=None):
    """The header-form signature for a request (used by the emulator's own tests and tools):
    returns {'Host', 'X-Amz-Date', 'Authorization'}."""
    ts = time.time() if now is None else now
    amz_date = _fmt(ts)
    date = amz_date[:8]
    pairs = parse_pairs(raw_query)
    headers = {"host": url_host, "x-amz-date": amz_date}
    signed = sorted(headers)
    canonical_request = "\n".join((
        method.upper(), canonical_uri(raw_path), canonical_query(pairs),
        "".join("%s:%s\n" % (h, _trimall(headers[h])) for h in signed), ";".join(signed),
        hashlib.sha256(body or b"").hexdigest()))
    scope = "/".join((date, region, service, TERMINATOR))
    sig = hmac.new(signing_key(secret, date, region, service),
                   string_to_sign(amz_date, scope, canonical_request).encode("utf-8"), hashlib.sha256).hexdigest()
    return {"Host": url_host, "X-Amz-Date": amz_date,
            "Authorization": "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s"
                             % (ALGORITHM, access_key, scope, ";".join(signed), sig)}
