"""RFC 8785 JSON Canonicalization Scheme (JCS)."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


class JcsError(ValueError):
    """A value that has no canonical JSON form."""


def _number(value: float) -> str:
    """ECMAScript Number.prototype.toString (RFC 8785 3.2.2.3)."""
    if math.isnan(value) or math.isinf(value):
        raise JcsError(f"{value} is not a JSON number")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr() is the shortest round-tripping form, as ECMAScript requires.
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = int(digits_tuple.exponent)
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text


def _string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise JcsError("string holds a lone surrogate") from e
    # json.dumps escapes exactly what JCS escapes when ensure_ascii is off:
    # '"', '\\', and control characters (\b \t \n \f \r short forms, others \u00xx).
    return json.dumps(value, ensure_ascii=False)


def canonicalize(value: Any) -> bytes:
    return _encode(value).encode("utf-8")


def _encode(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise JcsError(f"integer {value} is not exactly representable as a JSON number")
        return _number(float(value))
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise JcsError(f"object key {key!r} is not a string")
        # Sorted by UTF-16 code units; big-endian UTF-16 bytes compare the same way.
        keys = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(_string(k) + ":" + _encode(value[k]) for k in keys) + "}"
    raise JcsError(f"{type(value).__name__} is not a JSON value")
