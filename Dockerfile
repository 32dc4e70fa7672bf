# syntax=docker/dockerfile:1

# Build stage: the Maven wrapper builds the Spring Boot jar, which is then split into its layers
# (dependencies change rarely, the application often) so that a rebuild only replaces the top layer.
# Maven's repository is a cache mount, kept between builds (a separate dependency step would store
# nothing in its layer); the tests are neither compiled nor run here, `./mvnw verify` runs them.
FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /workspace
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
COPY openapi/ openapi/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q package -Dmaven.test.skip=true -Dspotless.check.skip=true \
 && java -Djarmode=tools -jar target/slabprune-*.jar extract --layers --launcher \
      --destination /workspace/extracted

# Run stage: a Java 17 JRE, the layers in order of how often they change, a non-root user.
FROM eclipse-temurin:17-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 slabprune \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin slabprune \
 && mkdir -p /data \
 && chown 10001:10001 /data
WORKDIR /app
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./

# Memory inside the container limit L (read by the java launcher; override the whole variable to
# tune it):
# - heap: 40% of L at most (MaxRAMPercentage), starting at 1% (InitialRAMPercentage) and kept
#   close to what is live: the serial collector (one job's worker thread allocates; no concurrent
#   collector threads or remembered sets, about 50 MB less than G1), a young generation of at most
#   32 MB (garbage cannot pile up to hundreds of MB of touched pages between collections), and
#   the heap grown or shrunk to keep 10-30% free after a full collection. Measured with
#   `bench/run memory` (bench/README.md, Memory): an idle service 293 MB resident instead of 370,
#   a 1-epoch job on 60,000 MNIST rows 520 MB at its peak instead of 723-1,163 with G1 and a 20%
#   initial heap, in the same time (72 s against 69-86 s; 1.3 s more of collection pauses);
# - the engine's native matrices (allocated through JavaCPP): at most 75% of the heap, so 30% of L
#   (JavaCPP's maxbytes; a percentage there is of the maximum heap);
# - the whole process (heap, off-heap, metaspace, thread stacks, native libraries): at most 225% of
#   the heap, so 90% of L (JavaCPP's maxphysicalbytes). Past it, JavaCPP runs the garbage collector
#   and then throws OutOfMemoryError, which fails one job instead of the kernel killing the pod.
# - glibc's malloc: at most two arenas (MALLOC_ARENA_MAX), not eight per core: native
#   allocations from many threads otherwise leave tens of MB resident in each arena.
# A heap OutOfMemoryError ends the JVM: its state is no longer trusted, the orchestrator restarts
# it and the queue hands the job back.
ENV JDK_JAVA_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=1 -XX:MaxNewSize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Dorg.bytedeco.javacpp.maxbytes=75% -Dorg.bytedeco.javacpp.maxphysicalbytes=225% -XX:+ExitOnOutOfMemoryError"
ENV MALLOC_ARENA_MAX="2"
# With no SPRING_DATASOURCE_URL the service runs its embedded PostgreSQL, with its data here.
ENV SLABPRUNE_EMBEDDED_DATABASE_DIRECTORY="/data"
# Outside a container the service binds to localhost while it has no API keys; in a container it
# must listen on every interface to be reached at all. Configure API keys before exposing it.
ENV SERVER_ADDRESS="0.0.0.0"

USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health/readiness" || exit 1

# The root filesystem may be read-only: the native libraries ND4J unpacks at start go to the
# JavaCPP cache under /tmp, which must be writable (an emptyDir on Kubernetes, tmpfs with Docker).
# The engine's parameter pass uses the Vector API, an incubator module in Java 17; it is named here
# rather than in JDK_JAVA_OPTIONS, which the chart may replace.
ENTRYPOINT ["java", "--add-modules=jdk.incubator.vector", "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp", "org.springframework.boot.loader.launch.JarLauncher"]
