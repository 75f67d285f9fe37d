"""Model client wrapper."""

import openai

client = openai.OpenAI()


def call_model(messages, tools):
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=tools)
