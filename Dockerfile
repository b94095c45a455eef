# jdrenda production image: gunicorn + WhiteNoise for the web, the same image for Celery.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # BASE_DIR must be /app (templates/, static/ live there), not site-packages.
    PYTHONPATH=/app \
    STATIC_MANIFEST=1

WORKDIR /app

# WeasyPrint (the PDF documents) draws text with Pango; the CJK font is vendored in static/fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system jdrenda \
    && useradd --system --gid jdrenda --home-dir /app --shell /usr/sbin/nologin jdrenda

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN mkdir -p jdrenda deputies activities proposals supervision \
    && pip install . \
    && pip uninstall -y jdrenda

COPY . .
RUN pip install --no-deps . \
    && SECRET_KEY=collectstatic-at-build-only DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var/exports \
    && chown -R jdrenda:jdrenda /app/media /app/var /app/staticfiles

USER jdrenda
EXPOSE 8000

CMD ["gunicorn", "jdrenda.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "120", "--access-logfile", "-"]
