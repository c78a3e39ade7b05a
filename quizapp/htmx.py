"""One rule for every view that renders either its page or a `#fragment` of it."""


def wants_fragment(request) -> bool:
    """Return True for an htmx request that swaps a fragment (not a history restore)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
