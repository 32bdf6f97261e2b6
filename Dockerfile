# chatsim as a service container (a CI job's sidecar, a team's shared stand-in).
# The image is not built in this project's CI (no container engine there): tests/test_container.py
# runs this file's command, environment and health check directly instead.
FROM python:3.12-slim
COPY . /src
RUN pip install --no-cache-dir "/src[fast]" && python -m chatsim.spec.prebuild && rm -rf /src && useradd --system --uid 10001 chatsim
USER chatsim
WORKDIR /srv
# Every address inside the container; beyond loopback chatsim needs CHATSIM_ADMIN_TOKEN (docker run -e).
# CHATSIM_ALLOW_CALLBACK_HOSTS names the hosts callbacks may reach (the CI job's host name).
ENV CHATSIM_HOST=0.0.0.0 CHATSIM_PORT=7001
EXPOSE 7001
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["chatsim", "health"]
ENTRYPOINT ["chatsim"]
CMD ["serve"]
