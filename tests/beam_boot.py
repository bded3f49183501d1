#!/usr/bin/env python3
"""The Beam SDK container's boot, for an EXTERNAL worker pool in tests (`worker_pool_main --container_executable`).

A plain worker pool starts each SDK harness in the pool's own environment: nothing a job stages
(`--extra_package`, `--setup_file`) ever reaches it. Beam's Python container (sdks/python/container/boot.go)
and Dataflow's workers run a boot program first, and this is that program's contract in Python:

1. ask the provision service for the job's options and staged artifacts;
2. fetch every artifact from the artifact service into SEMI_PERSISTENT_DIRECTORY/staged;
3. pip install the staged packages: each file named in extra_packages.txt, then workflow.tar.gz (the
   sdist Beam built from --setup_file);
4. start sdk_worker_main with the endpoints and options in its environment.

One departure: the container installs into its own site-packages, this boot into a directory of this
worker (`pip --target`) put on the harness's PYTHONPATH, since the pool shares the test's virtualenv,
which must stay as it is. pip runs offline (`--no-index`, `--no-build-isolation`: setuptools and wheel
come from the test extra) and without dependencies, which the pool's environment already has.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import grpc
from apache_beam.portability import common_urns
from apache_beam.portability.api import (beam_artifact_api_pb2, beam_artifact_api_pb2_grpc, beam_provision_api_pb2,
                                         beam_provision_api_pb2_grpc, beam_runner_api_pb2, endpoints_pb2)
from google.protobuf import json_format, text_format

EXTRA_PACKAGES_FILE, WORKFLOW_TARBALL = "extra_packages.txt", "workflow.tar.gz"


def _arguments(argv):
    parser = argparse.ArgumentParser()
    for name in ("id", "logging_endpoint", "artifact_endpoint", "provision_endpoint", "control_endpoint"):
        parser.add_argument(f"--{name}", required=True)
    return parser.parse_known_args(argv)[0]


def _provision_info(endpoint: str, worker_id: str):
    stub = beam_provision_api_pb2_grpc.ProvisionServiceStub(grpc.insecure_channel(endpoint))
    return stub.GetProvisionInfo(beam_provision_api_pb2.GetProvisionInfoRequest(),
                                 metadata=[("worker_id", worker_id)]).info


def _fetch_artifacts(dependencies, endpoint: str, worker_id: str, staged: str) -> list:
    """Write each STAGING_TO artifact under its staged name; the names, in the job's order."""
    stub = beam_artifact_api_pb2_grpc.ArtifactRetrievalServiceStub(grpc.insecure_channel(endpoint))
    names = []
    for artifact in dependencies:
        if artifact.role_urn != common_urns.artifact_roles.STAGING_TO.urn:
            continue
        name = beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(artifact.role_payload).staged_name
        with open(os.path.join(staged, name), "wb") as out:
            for chunk in stub.GetArtifact(beam_artifact_api_pb2.GetArtifactRequest(artifact=artifact),
                                          metadata=[("worker_id", worker_id)]):
                out.write(chunk.data)
        names.append(name)
    return names


def _packages_to_install(staged: str, names: list) -> list:
    """What boot.go installs, in its order: the extra packages as listed, then the --setup_file sdist."""
    packages = []
    if EXTRA_PACKAGES_FILE in names:
        with open(os.path.join(staged, EXTRA_PACKAGES_FILE)) as listing:
            packages += [os.path.join(staged, line.strip()) for line in listing if line.strip()]
    if WORKFLOW_TARBALL in names:
        packages.append(os.path.join(staged, WORKFLOW_TARBALL))
    return packages


def _pip_install(packages: list, target: str) -> None:
    if not packages:
        return
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                           "--no-build-isolation", "--disable-pip-version-check", "--target", target, *packages],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"boot: pip could not install the staged packages:\n{done.stdout}{done.stderr}")


def _descriptor(url: str) -> str:
    return text_format.MessageToString(endpoints_pb2.ApiServiceDescriptor(url=url))


def main(argv=None) -> None:
    args = _arguments(argv)
    info = _provision_info(args.provision_endpoint, args.id)
    semi_persistent = tempfile.mkdtemp(prefix=f"beam-worker-{args.id}-")
    staged, site = os.path.join(semi_persistent, "staged"), os.path.join(semi_persistent, "site-packages")
    os.makedirs(staged)
    names = _fetch_artifacts(info.dependencies, args.artifact_endpoint, args.id, staged)
    _pip_install(_packages_to_install(staged, names), site)
    environment = dict(
        os.environ, WORKER_ID=args.id, SEMI_PERSISTENT_DIRECTORY=semi_persistent,
        CONTROL_API_SERVICE_DESCRIPTOR=_descriptor(args.control_endpoint),
        LOGGING_API_SERVICE_DESCRIPTOR=_descriptor(args.logging_endpoint),
        PIPELINE_OPTIONS=json_format.MessageToJson(info.pipeline_options),
        RUNNER_CAPABILITIES=" ".join(info.runner_capabilities),
        PYTHONPATH=os.pathsep.join(filter(None, [site, os.environ.get("PYTHONPATH")])))
    os.dup2(2, 1)    # the pool pipes stdout and never reads it: a chatty harness would block on a full pipe
    os.execve(sys.executable, [sys.executable, "-m", "apache_beam.runners.worker.sdk_worker_main"], environment)


if __name__ == "__main__":
    main(sys.argv[1:])
