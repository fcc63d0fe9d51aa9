FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY . .
# Throwaway keys, only so that the settings load for collectstatic (they refuse short or
# equal keys); the real ones come from the environment at run time.
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build-time-only-secret-key-never-used-to-serve \
       CASEMGMT_PII_KEY=build-time-only-pii-key-never-used-to-serve \
       DATABASE_URL=postgres://build@localhost/build \
       python manage.py collectstatic --noinput

RUN useradd --system --home /app casemgmt && mkdir -p /data/media && chown casemgmt /data/media
USER casemgmt
EXPOSE 8000
# Run alone, the image serves with waitress, which slow clients cannot hold up;
# docker-compose.yml runs gunicorn behind a buffering nginx instead.
CMD ["python", "-m", "casemgmt.wsgi", "--host", "0.0.0.0", "--port", "8000"]
