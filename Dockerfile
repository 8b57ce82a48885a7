# Two stages: build a wheel, then a slim runtime with a non-root user running gunicorn.
#   docker build -t gongkai .
#   docker run -p 8000:8000 -v gongkai-data:/data gongkai
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --upgrade pip \
 && pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 gongkai \
 && mkdir -p /data /app \
 && chown gongkai:gongkai /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY schemas ./schemas
COPY datasets ./datasets
COPY examples ./examples
ENV GONGKAI_SCHEMAS_DIR=/app/schemas \
    GONGKAI_DATABASE_URL=sqlite:////data/gongkai.sqlite3 \
    PYTHONUNBUFFERED=1
USER gongkai
EXPOSE 8000
# The same commands as `make run`: migrate, load the registry and the sample packages, serve.
CMD ["sh", "-c", "gongkai db upgrade && gongkai agencies load examples/agencies.csv && (gongkai load datasets/* || true) && exec gongkai serve --host 0.0.0.0 --port 8000"]
