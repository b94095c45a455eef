"""The settings a user notices: Chinese pages, Shanghai time, Celery without Redis."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

SETTINGS_FILE = Path(settings.BASE_DIR) / "jdrenda" / "settings.py"


def load_settings(monkeypatch, **env):
    """A fresh copy of jdrenda/settings.py evaluated under the given environment."""
    for name in ("REDIS_URL", "DEBUG", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pages_are_chinese_and_times_are_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_celery_runs_tasks_in_process_without_redis(monkeypatch):
    bare = load_settings(monkeypatch)
    assert bare.CELERY_TASK_ALWAYS_EAGER is True
    assert bare.CELERY_BROKER_URL == "memory://"


def test_celery_uses_redis_when_configured(monkeypatch):
    with_redis = load_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    assert with_redis.CELERY_TASK_ALWAYS_EAGER is False
    assert with_redis.CELERY_BROKER_URL == "redis://127.0.0.1:6379/0"
    assert with_redis.CACHES["default"]["BACKEND"].endswith("RedisCache")


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
