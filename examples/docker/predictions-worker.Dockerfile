# Prediction worker: Flask app served by gunicorn on Cloud Run.
FROM python:3.11-slim

WORKDIR /app

COPY predictions/worker/requirements.txt /app/requirements.txt
RUN pip install --no-cache-dir -r requirements.txt

COPY predictions/worker/worker.py /app/worker.py
COPY predictions/worker/prediction_systems/ /app/prediction_systems/

ENV PYTHONUNBUFFERED=1
CMD exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 0 worker:app
