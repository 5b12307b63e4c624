# Both service images from one Maven reactor build. The legacy builder can build it: no
# "# syntax" line and no RUN --mount.
#
#   docker build --build-arg HWAAS_SERVICE=worker -t hwaas-worker .
#   docker build --build-arg HWAAS_SERVICE=client -t hwaas-client .
#
# HWAAS_SERVICE       worker (the default) or client: which image (the Compose files set it)
# HWAAS_BUILD_IMAGE   JDK >= 17 with Maven >= 3.8 as mvn, and jlink (any JDK has it; JDK 17-23 need jmods)
# HWAAS_RUNTIME_IMAGE a glibc-based JRE image; the services' file system is cut from it (see docker/userland.sh)
# HWAAS_VERSION, HWAAS_REVISION, HWAAS_CREATED, HWAAS_SOURCE  the OCI labels' values (./hwaas sets them)
ARG HWAAS_BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG HWAAS_RUNTIME_IMAGE=eclipse-temurin:25-jre
ARG HWAAS_SERVICE=worker

FROM ${HWAAS_BUILD_IMAGE} AS build
WORKDIR /src
# Poms first, so that dependencies land in a layer of their own that source edits do not invalidate.
COPY pom.xml ./
COPY hw-common/pom.xml hw-common/
COPY hw-runtime/pom.xml hw-runtime/
COPY hw-ops/pom.xml hw-ops/
COPY hw-worker/pom.xml hw-worker/
COPY hw-client/pom.xml hw-client/
COPY hw-e2e/pom.xml hw-e2e/
RUN mvn -B -ntp -q -pl hw-common,hw-runtime,hw-ops,hw-worker,hw-client dependency:go-offline -DexcludeGroupIds=io.hwaas
COPY hw-common/src hw-common/src
COPY hw-runtime/src hw-runtime/src
COPY hw-ops/src hw-ops/src
COPY hw-worker/src hw-worker/src
COPY hw-client/src hw-client/src
RUN mvn -B -ntp -q -pl hw-common,hw-runtime,hw-ops,hw-worker,hw-client -DskipTests package
COPY docker/assemble.sh /usr/local/bin/
RUN sh /usr/local/bin/assemble.sh /src /out

FROM ${HWAAS_RUNTIME_IMAGE} AS userland
COPY --from=build /out/jre /opt/hwaas/jre
COPY docker/userland.sh /usr/local/bin/
RUN sh /usr/local/bin/userland.sh /rootfs

# Nothing of a distribution but what the Java runtime links against, and bash for healthchecks.
FROM scratch AS base
COPY --from=userland /rootfs/ /
# Where a client keeps its ledger: a named volume mounted here starts out owned by the service's user.
COPY --from=userland --chown=10001:10001 /rootfs/var/lib/hwaas /var/lib/hwaas
ENV PATH=/opt/hwaas/jre/bin:/bin LANG=C.UTF-8
EXPOSE 9400
# Asks the service's own /healthz with bash's /dev/tcp: no JVM and no curl per probe. Port 0 means
# no endpoint, and then nothing to ask.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 CMD ["/bin/bash", "-c", \
  "[ \"${HWAAS_METRICS_PORT:-9400}\" = 0 ] || { exec 3<>/dev/tcp/127.0.0.1/${HWAAS_METRICS_PORT:-9400} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]; }"]

# What differs between the two services: the files, the malloc arenas and the entrypoint.
FROM base AS worker
# Few malloc arenas: each thread's own arena is memory held for nothing in a small service.
ENV MALLOC_ARENA_MAX=2
COPY --from=build /out/worker /opt/hwaas/worker
# A training run records the class-data-sharing / AOT cache the service starts from.
RUN ["/opt/hwaas/jre/bin/java", "@/opt/hwaas/worker/train.args"]
ENTRYPOINT ["/opt/hwaas/jre/bin/java", "@/opt/hwaas/worker/jvm.args", "io.hwaas.worker.Main"]

FROM base AS client
ENV MALLOC_ARENA_MAX=1
COPY --from=build /out/client /opt/hwaas/client
RUN ["/opt/hwaas/jre/bin/java", "@/opt/hwaas/client/train.args"]
ENTRYPOINT ["/opt/hwaas/jre/bin/java", "@/opt/hwaas/client/jvm.args", "io.hwaas.client.Main"]

# The image: HWAAS_SERVICE's stage, run unprivileged, and the OCI labels last, so that a new
# commit changes nothing but them; ./hwaas passes the values (docs/images.md).
FROM ${HWAAS_SERVICE}
USER 10001:10001
ARG HWAAS_SERVICE HWAAS_VERSION= HWAAS_REVISION= HWAAS_CREATED= HWAAS_SOURCE=
LABEL org.opencontainers.image.title="hwaas-$HWAAS_SERVICE" org.opencontainers.image.version="$HWAAS_VERSION" \
  org.opencontainers.image.revision="$HWAAS_REVISION" org.opencontainers.image.created="$HWAAS_CREATED" \
  org.opencontainers.image.source="$HWAAS_SOURCE"
