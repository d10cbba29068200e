#!/usr/bin/env bash
# Builds and deploys both prediction services to Cloud Run (run from the repository root).
set -euo pipefail
REGION=us-west2
REPO="$REGION-docker.pkg.dev/$PROJECT_ID/predictions"

docker build -f docker/predictions-worker.Dockerfile -t "$REPO/worker:latest" .
docker build -f docker/predictions-coordinator.Dockerfile -t "$REPO/coordinator:latest" .
docker push "$REPO/worker:latest"
docker push "$REPO/coordinator:latest"

gcloud run deploy prediction-worker --image "$REPO/worker:latest" --region "$REGION"
gcloud run deploy prediction-coordinator --image "$REPO/coordinator:latest" --region "$REGION"
