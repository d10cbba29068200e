# Prediction coordinator: fans batches out to the workers.
FROM python:3.11-slim

WORKDIR /app

COPY predictions/coordinator/requirement.txt /app/requirements.txt
RUN pip install --no-cache-dir -r requirements.txt

COPY predictions/coordinator/coordinator.py /app/coordinator.py

ENV PYTHONUNBUFFERED=1
CMD exec gunicorn --bind :$PORT --workers 1 --threads 8 --timeout 0 coordinator:app
