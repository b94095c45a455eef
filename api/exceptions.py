"""Errors as JSON with a Chinese message: {"detail": "…", "code": "…"} (plus "errors" by
field for invalid input). REST_FRAMEWORK["EXCEPTION_HANDLER"] points here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _messages(exc) -> dict:
    """The view's own texts for the error kinds DRF words in English or too tersely."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return {"detail": _("未提供访问令牌：请在请求头写 Authorization: Bearer <令牌>。")}
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        if wait is None:
            return {"detail": _("请求过于频繁，请稍后再试。")}
        return {"detail": _("请求过于频繁，请在 %(s)s 秒后再试。") % {"s": max(1, round(wait))}}
    if isinstance(exc, exceptions.NotFound):
        return {"detail": _("未找到，或不在本客户端的范围内。")}
    if isinstance(exc, exceptions.PermissionDenied):
        return {"detail": _("本客户端无权进行此操作。")}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return {"detail": _("不支持该请求方法。")}
    if isinstance(exc, exceptions.ParseError):
        return {"detail": _("请求内容无法解析（须为 JSON）。")}
    if isinstance(exc, exceptions.ValidationError):
        return {"detail": _("请求参数有误。"), "errors": exc.detail}
    return {}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    body = {"detail": str(getattr(exc, "detail", "")), "code": code}
    body.update(_messages(exc))
    if "errors" in body and isinstance(body["errors"], list):
        body["errors"] = {"non_field_errors": body["errors"]}
    response.data = body
    return response


def error_response(message: str, code: str, status_code=status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"detail": message, "code": code}, status=status_code)
