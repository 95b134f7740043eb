"""The project: balprov.yaml found like git finds .git, read into a typed, validated value."""

from balprov.project.settings import CONFIG_NAME, Operator, Project, find_config, load_project

__all__ = ["CONFIG_NAME", "Operator", "Project", "find_config", "load_project"]
