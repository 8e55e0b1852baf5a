// The example workspace the tour works in (examples/quickstart: application demo, environments
// test and prod, service api, a build with sh and make only), carried in the binary so an
// installed sluice has it. TourTests checks these bytes equal examples/quickstart.

enum TourWorkspace {
    struct File {
        var path: String
        var text: String
        var executable: Bool
    }

    static let files: [File] = [
        File(path: "Makefile", text: #"""
# The quickstart's build, run by the pipeline's Build stage (buildspec.yml) and its test
# commands. Plain POSIX make and sh: nothing to install, no docker, no network.

SERVICE = api
ENVIRONMENTS = test prod

.POSIX:
.PHONY: all test templates integration-test clean

all: test templates

# Unit tests of the service's code.
test:
	sh tests/greeting_test.sh

# One CloudFormation template and template configuration per environment, named as
# `copilot svc package` names them and the pipeline's deployments read them:
# infrastructure/SERVICE-ENV.stack.yml and infrastructure/SERVICE-ENV.params.json.
templates:
	mkdir -p infrastructure
	for env in $(ENVIRONMENTS); do \
	    sed -e "s/@ENV@/$$env/g" -e "s/@SERVICE@/$(SERVICE)/g" templates/service.yml > infrastructure/$(SERVICE)-$$env.stack.yml && \
	    sed -e "s/@ENV@/$$env/g" -e "s/@SERVICE@/$(SERVICE)/g" templates/service.params.json > infrastructure/$(SERVICE)-$$env.params.json || exit 1; \
	done

# Run by the test stage after deploying (`make integration-test ENV=test`): checks the service
# answers for that environment. Test commands get no COPILOT_* variables from Copilot, so the
# environment is named on the command line.
integration-test:
	test -n "$(ENV)"
	sh src/api.sh "$(ENV)" | grep -q "hello from $(ENV)"

clean:
	rm -rf infrastructure

"""#, executable: false),
        File(path: "buildspec.yml", text: #"""
# The quickstart pipeline's build: runs with sh and make only, so the local target can run it
# on any machine. It tests the code and writes each environment's template and configuration.
version: 0.2
phases:
  build:
    commands:
      - echo "Building $CODEBUILD_RESOLVED_SOURCE_VERSION in $CODEBUILD_SRC_DIR"
      - make all
  post_build:
    commands:
      - ls infrastructure
artifacts:
  files:
    - 'infrastructure/*'

"""#, executable: false),
        File(path: "copilot/.workspace", text: #"""
application: demo

"""#, executable: false),
        File(path: "copilot/api/manifest.yml", text: #"""
# The manifest for the "api" service.
# Read the full specification for the "Load Balanced Web Service" type at:
#  https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/

# Your service name will be used in naming your resources like log groups, ECS services, etc.
name: api
type: Load Balanced Web Service

# Distribute traffic to your service.
http:
  # Requests to this path will be forwarded to your service.
  # To match all requests you can use the "/" path.
  path: '/'
  # You can specify a custom health check path. The default is "/".
  # healthcheck: '/'

# Configuration for your containers and service.
image:
  # Docker build arguments. For additional overrides: https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/#image-build
  build: Dockerfile
  # Port exposed through your container to route traffic to it.
  port: 8080

cpu: 256       # Number of CPU units for the task.
memory: 512    # Amount of memory in MiB used by the task.
platform: linux/x86_64  # See https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/#platform
count: 1       # Number of tasks that should be running in your service.
exec: true     # Enable running commands in your container.
network:
  connect: true # Enable Service Connect for intra-environment traffic between services.

# You can override any of the values defined above by environment.
#environments:
#  test:
#    count: 2               # Number of tasks to run for the "test" environment.

"""#, executable: false),
        File(path: "copilot/environments/prod/manifest.yml", text: #"""
# The manifest for the "prod" environment.
# Read the full specification for the "Environment" type at:
#  https://aws.github.io/copilot-cli/docs/manifest/environment/

# Your environment name will be used in naming your resources like VPC, cluster, etc.
name: prod
type: Environment

# Import your own VPC and subnets or configure how they should be created.
# network:
#   vpc:
#     id:

# Configure the load balancers in your environment, once created.
# http:
#   public:
#   private:

# Configure observability for your environment resources.
observability:
  container_insights: false

"""#, executable: false),
        File(path: "copilot/environments/test/manifest.yml", text: #"""
# The manifest for the "test" environment.
# Read the full specification for the "Environment" type at:
#  https://aws.github.io/copilot-cli/docs/manifest/environment/

# Your environment name will be used in naming your resources like VPC, cluster, etc.
name: test
type: Environment

# Import your own VPC and subnets or configure how they should be created.
# network:
#   vpc:
#     id:

# Configure the load balancers in your environment, once created.
# http:
#   public:
#   private:

# Configure observability for your environment resources.
observability:
  container_insights: false

"""#, executable: false),
        File(path: "src/api.sh", text: #"""
#!/bin/sh
# The demo "api" service: answers one greeting for the environment it runs in.
set -eu
. "$(dirname "$0")/greeting.sh"
greeting "${1:-}"

"""#, executable: true),
        File(path: "src/greeting.sh", text: #"""
# The service's one piece of logic, kept in a file of its own so tests can source it.

# greeting NAME: the line the api answers with.
greeting() {
    if [ -z "${1:-}" ]; then
        echo "hello, world"
    else
        echo "hello from $1"
    fi
}

"""#, executable: false),
        File(path: "templates/service.params.json", text: #"""
{
  "Parameters": {
    "Greeting": "hello from @ENV@"
  },
  "Tags": {
    "copilot-application": "demo",
    "copilot-environment": "@ENV@",
    "copilot-service": "@SERVICE@"
  }
}

"""#, executable: false),
        File(path: "templates/service.yml", text: #"""
# The @SERVICE@ service in the @ENV@ environment, generated by `make templates`.
AWSTemplateFormatVersion: "2010-09-09"
Description: The @SERVICE@ service of the demo application, environment @ENV@.
Parameters:
  Greeting:
    Type: String
    Description: What the service answers.
Resources:
  GreetingParameter:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /demo/@ENV@/@SERVICE@/greeting
      Type: String
      Value: !Ref Greeting
Outputs:
  GreetingParameterName:
    Value: !Ref GreetingParameter

"""#, executable: false),
        File(path: "tests/greeting_test.sh", text: #"""
#!/bin/sh
# Unit tests for src/greeting.sh; exits non-zero on the first failure.
set -u
. "$(dirname "$0")/../src/greeting.sh"

failures=0
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1: expected '$3', got '$2'"
        failures=$((failures + 1))
    fi
}

expect "greets the world by default" "$(greeting)" "hello, world"
expect "greets an environment" "$(greeting test)" "hello from test"

[ "$failures" -eq 0 ]

"""#, executable: false),
    ]
}
