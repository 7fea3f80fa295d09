"""docker-compose.yml read as compose reads it, for the tests of the deployment."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


def compose_environment(service: str, variables: dict[str, str]) -> dict[str, str]:
    """``service``'s environment in docker-compose.yml as compose interpolates it with
    ``variables`` (the shell's or an .env file's): ``${NAME:-default}``, ``${NAME:?message}``
    (an error when unset) and ``${NAME}``."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    def value(match):
        name, op, arg = match["name"], match["op"], match["arg"]
        if variables.get(name):
            return variables[name]
        if op == ":?":
            raise LookupError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return {
        key: INTERPOLATION.sub(value, str(item))
        for key, item in compose["services"][service]["environment"].items()
    }
