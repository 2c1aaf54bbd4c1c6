"""Per-resource release rules.

{"version": 1,
 "rules": [{"resource": "default/keys/*",       fnmatch pattern over <repo>/<type>/<tag>
            "allow": true,                      false makes it a deny rule
            "measurements": ["<96 hex>", ...],  optional: only these launch digests
            "allow_debug": false}]}             optional (default false): also to debug guests
The first rule whose pattern matches decides; no match denies. Without a policy file
every resource goes to any guest that passed attestation (Trustee's default policy).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Optional, Tuple


class ResourcePolicyError(ValueError):
    """A policy file that does not have the expected shape."""


@dataclass(frozen=True)
class Rule:
    pattern: str
    allow: bool
    measurements: Optional[FrozenSet[str]]
    allow_debug: bool


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


class ResourcePolicy:
    def __init__(self, rules: Optional[Tuple[Rule, ...]]) -> None:
        self._rules = rules  # None: allow everything to attested guests

    @classmethod
    def allow_all(cls) -> "ResourcePolicy":
        return cls(None)

    @classmethod
    def parse(cls, doc: Any) -> "ResourcePolicy":
        if not isinstance(doc, dict) or doc.get("version") != 1:
            raise ResourcePolicyError("resource policy must be an object with \"version\": 1")
        rules_doc = doc.get("rules")
        if not isinstance(rules_doc, list):
            raise ResourcePolicyError("resource policy needs a \"rules\" array")
        rules = []
        for i, r in enumerate(rules_doc):
            where = f"rules[{i}]"
            if not isinstance(r, dict) or not isinstance(r.get("resource"), str):
                raise ResourcePolicyError(f"{where} needs a \"resource\" pattern string")
            unknown = set(r) - {"resource", "allow", "measurements", "allow_debug"}
            if unknown:
                raise ResourcePolicyError(f"{where} has unknown members {sorted(unknown)}")
            allow = r.get("allow", True)
            allow_debug = r.get("allow_debug", False)
            if not isinstance(allow, bool) or not isinstance(allow_debug, bool):
                raise ResourcePolicyError(f"{where}: allow and allow_debug must be booleans")
            measurements = r.get("measurements")
            if measurements is not None:
                if not isinstance(measurements, list) or not all(
                        isinstance(m, str) and re.fullmatch(r"[0-9a-fA-F]{96}", m)
                        for m in measurements):
                    raise ResourcePolicyError(f"{where}.measurements must be 96-hex-digit strings")
                measurements = frozenset(m.lower() for m in measurements)
            rules.append(Rule(r["resource"], allow, measurements, allow_debug))
        return cls(tuple(rules))

    @classmethod
    def load(cls, path: Path) -> "ResourcePolicy":
        try:
            return cls.parse(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, ResourcePolicyError) as e:
            raise ResourcePolicyError(f"{path}: {e}") from e

    def decide(self, resource: str, claims: Dict[str, Any]) -> Decision:
        """claims: the token's "snp" claims (measurement hex, debug_allowed)."""
        if self._rules is None:
            return Decision(True, "no resource policy: attested guests get every resource")
        for i, rule in enumerate(self._rules):
            if not fnmatch.fnmatchcase(resource, rule.pattern):
                continue
            if not rule.allow:
                return Decision(False, f"rule {i} ({rule.pattern}) denies it")
            if claims.get("debug_allowed") and not rule.allow_debug:
                return Decision(False, f"rule {i} ({rule.pattern}) refuses guests whose policy "
                                       "allows debugging")
            if rule.measurements is not None and claims.get("measurement") not in rule.measurements:
                return Decision(False, f"rule {i} ({rule.pattern}) does not list the measurement")
            return Decision(True, f"rule {i} ({rule.pattern}) allows it")
        return Decision(False, "no rule matches the resource")
