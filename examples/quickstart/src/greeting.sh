# The service's one piece of logic, kept in a file of its own so tests can source it.

# greeting NAME: the line the api answers with.
greeting() {
    if [ -z "${1:-}" ]; then
        echo "hello, world"
    else
        echo "hello from $1"
    fi
}
