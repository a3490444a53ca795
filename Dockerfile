# One image for web, worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets ./assets
COPY scripts/build-assets.mjs ./scripts/
RUN npm run build

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=frontdoor.settings.production \
    STATIC_ROOT=/app/staticfiles
WORKDIR /app
RUN useradd --create-home --uid 1000 frontdoor
# The DfE census validator needs a Python 3.8-3.11 of its own (ADR 0011): Debian's 3.11.
COPY requirements/cin-validator.txt /tmp/cin-validator.txt
# libmagic reads an attached file's type from its bytes (docs/adr/0032).
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv libmagic1 \
    && rm -rf /var/lib/apt/lists/* \
    && /usr/bin/python3 -m venv /opt/cin-validator \
    && /opt/cin-validator/bin/pip install --no-cache-dir -r /tmp/cin-validator.txt
ENV CIN_VALIDATOR_PYTHON=/opt/cin-validator/bin/python
COPY pyproject.toml README.md ./
COPY frontdoor ./frontdoor
COPY referrals ./referrals
COPY screening ./screening
COPY outcomes ./outcomes
COPY demo ./demo
RUN pip install --no-cache-dir .
COPY manage.py ./
COPY templates ./templates
COPY --from=assets /app/static ./static
# collectstatic needs settings but no database: point at a throwaway URL.
RUN SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    DATABASE_URL=postgres://unused@localhost/unused REDIS_URL=redis://localhost:6379/0 \
    CLAMD_HOST=unused DOCUMENT_KEYS=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
    python manage.py collectstatic --noinput
# Attached documents (encrypted) live here; compose mounts a volume on it.
RUN mkdir -p /data/documents && chown frontdoor /data/documents
USER frontdoor
EXPOSE 8000
CMD ["gunicorn", "-c", "python:frontdoor.gunicorn_config", "frontdoor.wsgi"]
