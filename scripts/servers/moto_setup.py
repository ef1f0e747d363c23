"""Prepares moto's server for the credential tests (run with .tools/venv/bin/python).

  moto_setup.py ENDPOINT [--timeout S] [--pid PID]
      Waits until moto answers, then spends its unauthenticated actions
      (start.sh starts it with INITIAL_NO_AUTH_ACTION_COUNT=3) on creating
      the IAM user `presign-test`, its access key, and a policy allowing it
      every action. From then on moto checks every request's signature and
      permissions. Prints "ACCESS_KEY SECRET_KEY" on stdout. Exit 1 on
      timeout or when the process PID died.
"""
import argparse
import json
import os
import sys
import time
import urllib.request

import botocore.config
import botocore.session

USER = "presign-test"
# Any well-formed key: moto does not check the unauthenticated actions.
BOOTSTRAP_KEY = "AKIAIOSFODNN7EXAMPLE"


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def wait_until_up(endpoint, timeout, pid):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not pid_alive(pid):
            sys.exit(f"moto (pid {pid}) exited")
        try:
            # moto's own API, which is not an AWS action and costs none of
            # the unauthenticated ones.
            with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"moto did not answer at {endpoint} within {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    wait_until_up(args.endpoint, args.timeout, args.pid)
    iam = botocore.session.Session().create_client(
        "iam",
        region_name="us-east-1",
        endpoint_url=args.endpoint,
        aws_access_key_id=BOOTSTRAP_KEY,
        aws_secret_access_key="unused",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    iam.put_user_policy(
        UserName=USER,
        PolicyName="everything",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    print(key["AccessKeyId"], key["SecretAccessKey"])


if __name__ == "__main__":
    main()
