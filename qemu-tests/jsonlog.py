"""One JSON object per line, appended atomically per line, for tests to assert on."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Dict, List, Optional


class JsonLineLog:
    def __init__(self, path: Optional[Path] = None, program: str = "") -> None:
        self._lock = threading.Lock()
        self._program = program
        self._path = path
        self._file: IO[str] = open(path, "a", encoding="utf-8") if path else sys.stderr

    def write(self, event: str, **fields: Any) -> Dict[str, Any]:
        record: Dict[str, Any] = {"ts": round(time.time(), 3), "event": event}
        record.update(fields)
        line = json.dumps(record, separators=(",", ":"))
        with self._lock:
            prefix = f"{self._program}: " if self._file is sys.stderr and self._program else ""
            self._file.write(prefix + line + "\n")
            self._file.flush()
        return record

    def close(self) -> None:
        with self._lock:
            if self._file is not sys.stderr:
                self._file.close()


def read_json_lines(path: Path) -> List[Dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
