# syntax=docker/dockerfile:1
#
# Switchboard's image: docker build -t switchboard .
# Build stage: the Maven wrapper packages the Spring Boot jar (tests are CI's job, not the image build's), and the
# jar is split into its layers. Run stage: a JRE, the layers from least to most often changed, a class data sharing
# archive made by a training start, and a non-root user. docs/deployment.md explains the choices.

FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/main/ src/main/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -Dmaven.test.skip=true package
RUN java -Djarmode=tools -jar target/switchboard.jar extract --layers --destination /layers

FROM eclipse-temurin:17-jre-noble
RUN ["groupadd", "--system", "--gid", "10001", "switchboard"]
RUN ["useradd", "--system", "--uid", "10001", "--gid", "10001", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "switchboard"]
WORKDIR /app
# least often changed first, so that a code change rebuilds only the last layers
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# training start: loads the application's classes, then exits before the port is opened, and leaves an archive of
# them that later starts map instead of loading and verifying each class again. -Xmx keeps compressed oops on,
# whatever memory the build host has, as at run time, or the archive would not match.
RUN ["java", "-Xmx512m", "-XX:ArchiveClassesAtExit=switchboard.jsa", "-Dspring.context.exit=onRefresh", "-jar", "switchboard.jar"]
USER 10001:10001
EXPOSE 8080
# heap as a share of the container's memory limit, leaving room for direct buffers, metaspace and threads; replace
# the whole variable to change it (the Helm chart sets it from values)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
# exec form: java is PID 1 and gets SIGTERM directly; no shell is involved
ENTRYPOINT ["java", "-XX:SharedArchiveFile=switchboard.jsa", "-jar", "switchboard.jar"]
