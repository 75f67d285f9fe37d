"""Prompt files: versioned templates with declared variables, and fencing of trace data.

A prompt file has a header listing its name, version and variables, then a
`<system>` and a `<user>` section. `{{name}}` marks a variable. Rendering fails when a
declared variable is missing or an undeclared one is used, so prompt and code cannot
drift apart silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from turnback.safety import mask

PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
SECTION = re.compile(r"<(system|user)>\n?(.*?)\n?</\1>", re.DOTALL)


def prompts_dir() -> Path:
    """Source checkout: <root>/prompts. Installed wheel: turnback/_prompts."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "prompts", here / "_prompts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("turnback's prompts/ directory is missing from this install")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    system: str
    user: str

    def render(self, **values: str) -> list[dict[str, str]]:
        missing = set(self.variables) - set(values)
        extra = set(values) - set(self.variables)
        if missing or extra:
            raise ValueError(f"prompt {self.name}: missing {sorted(missing)}, undeclared {sorted(extra)}")

        def fill(template: str) -> str:
            # Values carry trace text: masked here, so no prompt sends a secret.
            return PLACEHOLDER.sub(lambda m: mask(values[m.group(1)]), template)

        return [
            {"role": "system", "content": fill(self.system)},
            {"role": "user", "content": fill(self.user)},
        ]


@cache
def load_prompt(name: str) -> Prompt:
    text = (prompts_dir() / f"{name}.md").read_text(encoding="utf-8")
    header, _, body = text.partition("\n---\n")
    fields = dict(
        line.split(":", 1) for line in header.strip().strip("-").strip().splitlines() if ":" in line
    )
    variables = tuple(v.strip() for v in fields.get("variables", "").split(",") if v.strip())
    sections = {m.group(1): m.group(2).strip() for m in SECTION.finditer(body)}
    used = set(PLACEHOLDER.findall(body))
    if used != set(variables):
        raise ValueError(f"prompt {name}: declares {sorted(variables)} but uses {sorted(used)}")
    return Prompt(
        name=fields.get("name", name).strip(),
        version=fields.get("version", "0").strip(),
        variables=variables,
        system=sections["system"],
        user=sections["user"],
    )


def fence(label: str, text: str) -> str:
    """Wrap untrusted trace content so the model reads it as data, never as instructions.

    Any tag of the fence's name inside the data, opening or closing, with attributes,
    slashes or spaces (`</trace_data x>`, `</trace_data/>`), is neutralised so the data
    cannot end the fence; look-alike characters (fullwidth `＜`, small `﹤`...) are folded
    first (NFKC) so they cannot pass as a tag the check missed.
    """
    folded = unicodedata.normalize("NFKC", text)
    safe = re.sub(rf"<\s*(/?)\s*{label}\b[^>]*>", rf"<\1 {label}_>", folded, flags=re.IGNORECASE)
    return f"<{label}>\n{safe}\n</{label}>"
