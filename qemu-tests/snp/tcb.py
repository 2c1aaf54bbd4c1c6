"""TCB_VERSION: the 8-byte security patch levels, in the layout of each CPU generation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

COMPONENTS = ("bootloader", "tee", "snp", "microcode")

# Byte positions of each component inside the little-endian u64 (reference/snp.md 1.2).
_LEGACY = {"bootloader": 0, "tee": 1, "snp": 6, "microcode": 7}  # Milan, Genoa
_TURIN = {"fmc": 0, "bootloader": 1, "tee": 2, "snp": 3, "microcode": 7}


@dataclass(frozen=True)
class Tcb:
    bootloader: int
    tee: int
    snp: int
    microcode: int
    fmc: Optional[int] = None  # Turin and later only

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():
            if value is not None and not 0 <= value <= 0xFF:
                raise ValueError(f"TCB component {name}={value} is not a byte")

    @property
    def turin_layout(self) -> bool:
        return self.fmc is not None

    def as_dict(self) -> Dict[str, Optional[int]]:
        return {"fmc": self.fmc, "bootloader": self.bootloader, "tee": self.tee,
                "snp": self.snp, "microcode": self.microcode}

    def encode(self) -> int:
        layout = _TURIN if self.turin_layout else _LEGACY
        raw = bytearray(8)
        for name, pos in layout.items():
            raw[pos] = getattr(self, name)
        return int.from_bytes(raw, "little")

    @classmethod
    def decode(cls, value: int, turin: bool = False) -> "Tcb":
        raw = value.to_bytes(8, "little")
        layout = _TURIN if turin else _LEGACY
        reserved = [i for i in range(8) if i not in layout.values() and raw[i]]
        if reserved:
            raise ValueError(f"TCB 0x{value:016x} has non-zero reserved bytes {reserved}")
        fields = {name: raw[pos] for name, pos in layout.items()}
        return cls(**fields)

    def at_least(self, minimum: "Tcb") -> bool:
        """Component-wise comparison: a u64 compare would be wrong."""
        for name, floor in minimum.as_dict().items():
            if floor is None:
                continue
            value = getattr(self, name)
            if value is None or value < floor:
                return False
        return True

    def __str__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.as_dict().items() if v is not None]
        return ",".join(parts)


def parse_tcb_spec(text: str) -> Tcb:
    """'bootloader=10,tee=0,snp=23,microcode=25' (fmc= optional) -> Tcb."""
    fields: Dict[str, int] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in COMPONENTS + ("fmc",):
            raise ValueError(f"bad TCB component {part!r}; expected name=value with name in "
                             f"{', '.join(COMPONENTS)}, fmc")
        if name in fields:
            raise ValueError(f"TCB component {name} given twice")
        fields[name] = int(value, 0)
    missing = [c for c in COMPONENTS if c not in fields]
    if missing:
        raise ValueError(f"TCB spec {text!r} lacks {', '.join(missing)}")
    return Tcb(**fields)
