"""View steps every section shares: a form saved through a service, and a deletion that asks
first. Domain-free; the sections pass their service function and where to go next."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form (by field where it names one)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_page(request, form, save, *, template, context, message, success_url):
    """Validate and save through the service; a ValidationError it raises lands on the form
    and nothing is saved. Otherwise render the form page."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(success_url)
    return render(request, template, {"form": form, **context})


def confirm_delete(request, obj, delete, *, message, success_url, cancel_url=None):
    """GET asks for confirmation; POST deletes through the service (history keeps a row).
    A ValidationError from the service is shown and nothing is deleted."""
    cancel_url = cancel_url or success_url
    if request.method == "POST":
        try:
            delete(obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(cancel_url)
        messages.success(request, message)
        return redirect(success_url)
    return render(
        request, "includes/confirm_delete.html", {"object": obj, "cancel_url": cancel_url}
    )
