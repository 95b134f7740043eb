"""Rendering: plans (and later other outputs) through Jinja2 templates that a project may override."""

from balprov.rendering.plan import PLAN_FORMATS, render_plan

__all__ = ["PLAN_FORMATS", "render_plan"]
