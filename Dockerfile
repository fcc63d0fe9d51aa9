FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build CASEMGMT_PII_KEY=build DATABASE_URL=postgres://build@localhost/build \
       python manage.py collectstatic --noinput

RUN useradd --system --home /app casemgmt && mkdir -p /data/media && chown casemgmt /data/media
USER casemgmt
EXPOSE 8000
CMD ["gunicorn", "casemgmt.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
