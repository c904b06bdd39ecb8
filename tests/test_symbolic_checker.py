"""Expressions: equivalent forms pass, near-misses fail; deep-learning notation is read as such."""

import pytest

from tabench.checkers.symbolic import check_expression
from tabench.read.expressions import final_expression
from tabench.model import Blank


def key(latex, accepts=()):
    return Blank(id="answer", kind="expression", latex=latex, accepts=list(accepts))


GAMMA = key(r"\gamma_{\tau,t} = \frac{\alpha_\tau}{\alpha_t}")
ALPHA = key(r"\alpha_t = \prod_{i=1}^t (1-\beta_i)")
MSGS = key(r"n(n - 1)")
RING = key(r"n(2(n - 1))")
SIZE = key(r"\frac{p}{n}")
ADAM = key(r"\mathbf{M}_t = \frac{\lambda_r}{\lambda_w \alpha} \mathbf{I}")
LAYER = key(r"\mathbf{x}^{(\ell)} = (2\ell + 1)\mathbf{x}^{(0)}")
GRAD = key(r"\mathbf{g}^{(z)} = \frac{\sqrt{d}}{\|\mathbf{z}\|_2} \left( \mathbf{I} - \frac{\mathbf{z}\mathbf{z}^\top}{\|\mathbf{z}\|_2^2} \right) \mathbf{g}^{(y)}")
REPARAM = key(r"Z = V \cdot \sigma_z + \mu_z")
SIGMOID = key(r"\sigma'(x) = \sigma(x)(1-\sigma(x))")
LOG = key(r"\log 256")

CASES = [
    (GAMMA, r"$$\gamma_{\tau,t} = \frac{\alpha_\tau}{\alpha_t}$$", "correct"),
    (GAMMA, r"Using part (a), $\gamma_{\tau,t} = \alpha_\tau / \alpha_t$.", "correct"),
    (GAMMA, r"\boxed{\frac{\alpha_\tau}{\alpha_t}}", "correct"),
    (GAMMA, r"So the answer is $\alpha_{\tau}\alpha_t^{-1}$.", "correct"),
    (GAMMA, r"$$\gamma_{\tau,t} = \frac{\alpha_t}{\alpha_\tau}$$", "incorrect"),
    (GAMMA, r"$\gamma_{\tau,t} = \alpha_\tau \alpha_t$", "incorrect"),
    (GAMMA, r"$\gamma_{\tau,t} = 1 - \frac{\alpha_\tau}{\alpha_t}$", "incorrect"),
    (ALPHA, r"**Hence, $\alpha_t = \prod_{i=1}^t (1-\beta_i)$.**", "correct"),
    (ALPHA, r"$$\alpha_t = \prod_{j=1}^{t}(1-\beta_j)$$", "correct"),
    (ALPHA, r"\boxed{\prod_{s=1}^{t} (1 - \beta_s)}", "correct"),
    (ALPHA, r"$\alpha_t = \prod_{i=1}^t \beta_i$", "incorrect"),
    (ALPHA, r"$\alpha_t = \sum_{i=1}^t (1-\beta_i)$", "incorrect"),
    (ALPHA, r"$\alpha_t = \prod_{i=1}^{t} (1-\beta)$", "incorrect"),
    (MSGS, r"$n(n-1)$", "correct"),
    (MSGS, r"$n^2 - n$", "correct"),
    (MSGS, r"Each of the $n$ workers sends to $n-1$ others: $n(n-1)$ messages.", "correct"),
    (MSGS, r"$n^2$", "incorrect"),
    (MSGS, r"$n(n+1)$", "incorrect"),
    (RING, r"$2n(n-1)$", "correct"),
    (RING, r"$2n^2 - 2n$", "correct"),
    (RING, r"$n(n-1)$", "incorrect"),
    (SIZE, r"$p/n$", "correct"),
    (SIZE, r"$\frac{p}{n}$ parameters per message", "correct"),
    (SIZE, r"$n/p$", "incorrect"),
    (SIZE, r"$p$", "incorrect"),
    (ADAM, r"$\mathbf{M}_t = \frac{\lambda_r}{\alpha \lambda_w}\mathbf{I}$", "correct"),
    (ADAM, r"$$M_t = \frac{\lambda_r}{\lambda_w \alpha} I$$", "correct"),
    (ADAM, r"$$\alpha \lambda_w \mathbf{M}_t = \lambda_r \mathbf{I}$$ so $\mathbf{M}_t = \lambda_r (\alpha \lambda_w)^{-1} \mathbf{I}$", "correct"),
    (ADAM, r"$\mathbf{M}_t = \frac{\lambda_w}{\lambda_r \alpha} \mathbf{I}$", "incorrect"),
    (LAYER, r"Therefore, $\mathbf{x}^{(\ell)} = (2\ell + 1)\mathbf{x}^{(0)}$.", "correct"),
    (LAYER, r"$x^{(\ell)} = 2\ell x^{(0)} + x^{(0)}$", "correct"),
    (LAYER, r"$\mathbf{x}^{(\ell)} = 3^\ell \mathbf{x}^{(0)}$", "incorrect"),
    (LAYER, r"$\mathbf{x}^{(\ell)} = (\ell + 1)\mathbf{x}^{(0)}$", "incorrect"),
    (GRAD, r"$$\mathbf{g}^{(z)} = \frac{\sqrt{d}}{\|\mathbf{z}\|_2}\left(\mathbf{g}^{(y)} - \frac{\mathbf{z}\mathbf{z}^\top \mathbf{g}^{(y)}}{\|\mathbf{z}\|_2^2}\right)$$", "correct"),
    (GRAD, r"$\frac{\sqrt{d}}{\|z\|}\left(I - \frac{z z^T}{\|z\|^2}\right) g^{(y)}$", "correct"),
    (GRAD, r"$\frac{\sqrt{d}}{\|z\|_2} g^{(y)}$", "incorrect"),
    (REPARAM, r"$$Z = \mu + \sigma \odot V$$", "correct"),
    (REPARAM, r"$Z = \sigma_z V + \mu_z$", "correct"),
    (REPARAM, r"$Z = \mu + \sigma + V$", "incorrect"),
    (REPARAM, r"$Z = \mu V + \sigma$", "incorrect"),
    (SIGMOID, r"$\sigma'(x) = \sigma(x) - \sigma(x)^2$", "correct"),
    (SIGMOID, r"$\sigma(x)(1 + \sigma(x))$", "incorrect"),
    (LOG, r"$\log 256$", "correct"),
    (LOG, r"$8 \log 2$", "correct"),
    (LOG, r"$\log 255$", "incorrect"),
    (key(r"\gamma"), r"$\gamma$", "correct"),
    (key(r"2\gamma"), r"$\gamma + \gamma$", "correct"),
    (key(r"\gamma"), r"$0.5772$", "incorrect"),
    (key(r"e^{x}"), r"$\exp(x)$", "correct"),
    (key(r"1.2 \times 10^{-3}"), r"$1.2e-3$", "correct"),
    (key(r"1.2 \times 10^{-3}"), r"$1.2$", "incorrect"),
    (key(r"W^\top x"), r"$\mathbf{W}^\top \mathbf{x}$", "correct"),
    (key(r"W^\top x"), r"$W x$", "incorrect"),
    (MSGS, "I do not know.", "needs_review"),
    (GAMMA, "gamma = alpha_tau / alpha_t", "correct"),
    (GAMMA, "γ = α_τ / α_t", "correct"),
    (GAMMA, "gamma = alpha_t / alpha_tau", "incorrect"),
    (LAYER, "x^(l) = (2l + 1) x^(0)", "correct"),
    (LAYER, "x^(l) = (l + 1) x^(0)", "incorrect"),
    (MSGS, "n(n-1)", "correct"),
    (RING, "2n^2 - 2n messages", "correct"),
]


@pytest.mark.parametrize("reference,answer,expected", CASES)
def test_expression_checker(reference, answer, expected):
    assert check_expression(answer, reference).verdict == expected


@pytest.mark.parametrize("answer", [
    r"$10^{10^{10}}$",
    "{" * 500 + "x" + "}" * 500,
    "$" + "x+" * 2000 + "x$",
    "$x\x00\x07 + 1$",
])
def test_pathological_expressions_need_review(answer):
    assert check_expression(answer, MSGS).verdict == "needs_review"


@pytest.mark.parametrize("answer,expected", [
    (r"so the answer is $\frac{1}{2}$.", r"\frac{1}{2}"),
    (r"We have $a = b$ and $$c = d$$ and finally $e$.", "e"),  # "finally" concludes
    (r"We have $a = b$ and $$c = d$$ and then $e$.", "c = d"),  # else the last displayed equation
    (r"\boxed{x^2} though earlier we wrote $$y$$", "x^2"),
    (r"$$z_t = \sqrt{\alpha_t} z_0 \quad (5)$$", r"z_t = \sqrt{\alpha_t} z_0"),
    ("Final answer: x + 1", "x + 1"),
])
def test_final_expression(answer, expected):
    items, _ = final_expression(answer)
    assert items == (expected,)
