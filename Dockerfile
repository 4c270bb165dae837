# Regie: web app and worker image (the same image runs both).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm libreoffice-writer-nogui fonts-dejavu fonts-noto-core curl procps \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund
COPY pyproject.toml ./
COPY engine engine
COPY api api
COPY processes processes
COPY forms forms
COPY letters letters
# The klantreis scenarios are the forecast's path library (engine/forecast/paths.py).
COPY tests/scenarios tests/scenarios
# Editable: Regie finds processes/, forms/, letters/ and node_modules/ beside its code in /app.
RUN pip install -e .
RUN useradd --create-home regie && chown -R regie /app
USER regie
ENV REGIE_CLOCK=system
EXPOSE 8000
CMD ["regie", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
