# Two stages: build a wheel (it carries the schemas), then a slim runtime with a non-root user
# running gunicorn.
#   docker build -t gongkai .
#   docker run -p 8000:8000 -v gongkai-data:/data gongkai                           # empty database
#   docker run -p 8000:8000 -v gongkai-data:/data -e GONGKAI_LOAD_SAMPLES=1 gongkai # with datasets/
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY schemas ./schemas
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 gongkai \
 && mkdir -p /data /app \
 && chown gongkai:gongkai /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
# The sample registry and packages, loaded only when GONGKAI_LOAD_SAMPLES=1.
COPY datasets ./datasets
COPY examples ./examples
ENV GONGKAI_DATABASE_URL=sqlite:////data/gongkai.sqlite3 \
    GONGKAI_LOAD_SAMPLES=0 \
    PYTHONUNBUFFERED=1
USER gongkai
EXPOSE 8000
# /healthz: 200 when the database answers and the schemas are loaded, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=8)"]
# Migrate, then (only when asked) load the sample registry and packages, then serve. Any step
# that fails stops the container: nothing is hidden.
CMD ["sh", "-c", "set -e; gongkai db upgrade; if [ \"$GONGKAI_LOAD_SAMPLES\" = 1 ]; then gongkai agencies load examples/agencies.csv; gongkai load datasets/*; fi; exec gongkai serve --host 0.0.0.0 --port 8000"]
