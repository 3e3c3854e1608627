"""Sub-commands of the ``cofatui`` console script that live in their own module.

Each module exposes ``register(sub)``: ``sub(name, help) -> ArgumentParser`` creates a
sub-parser that already has the global options; the module adds its arguments and
``set_defaults(handler=func)``. Helpers for handlers (settings, repository) are in
``cofatui.cli``: ``load_settings_for(args)``, ``database_url(args, settings)``,
``login_for(args, settings)``, ``open_repository(args, settings)``.
"""
